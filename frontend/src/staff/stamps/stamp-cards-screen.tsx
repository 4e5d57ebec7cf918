import { useState, type FormEvent } from 'react';
import type { Reward, StampCard } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { CheckboxField, SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { stampsApi } from './stamps-api.js';

type Editing = { mode: 'create' } | { mode: 'edit'; card: StampCard } | null;

/** The marketers' stamp card definitions: the list, the create/edit form, and archiving. */
export function StampCardsScreen() {
  const { t } = useI18n();
  const [isArchivedShown, setArchivedShown] = useState(false);
  const cards = useLoad(
    async () => (await stampsApi.list(isArchivedShown ? {} : { status: 'active' })).items,
    isArchivedShown,
  );
  const rewards = useLoad(async () => (await stampsApi.rewards()).items);
  const [editing, setEditing] = useState<Editing>(null);
  const [archiving, setArchiving] = useState<StampCard | null>(null);
  const [archiveError, setArchiveError] = useState<unknown>(null);
  const [isArchiveBusy, setArchiveBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const archive = async (card: StampCard) => {
    setArchiveBusy(true);
    setArchiveError(null);
    try {
      await stampsApi.archive(card.id);
      setNotice(t('stamps.archived', { name: card.name }));
      setArchiving(null);
      cards.reload();
    } catch (caught) {
      setArchiveError(caught);
      setArchiving(null);
    } finally {
      setArchiveBusy(false);
    }
  };

  return (
    <main className="page" id="main" aria-labelledby="stamps-title">
      <div className="page-heading">
        <h1 id="stamps-title">{t('stamps.title')}</h1>
        {!editing ? (
          <button
            type="button"
            onClick={() => {
              setNotice(null);
              setEditing({ mode: 'create' });
            }}
          >
            {t('stamps.add')}
          </button>
        ) : null}
      </div>
      <p>{t('stamps.intro')}</p>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {archiveError ? <StampErrorNotice error={archiveError} /> : null}
      {editing ? (
        <StampCardForm
          key={editing.mode === 'edit' ? editing.card.id : 'new'}
          card={editing.mode === 'edit' ? editing.card : null}
          rewards={rewards.data}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            cards.reload();
          }}
        />
      ) : null}
      <section className="panel" aria-labelledby="stamps-list-title">
        <h2 id="stamps-list-title">{t('stamps.list.title')}</h2>
        <CheckboxField
          label={t('stamps.list.showArchived')}
          checked={isArchivedShown}
          onChange={setArchivedShown}
        />
        {cards.error ? (
          <ErrorNotice error={cards.error} onRetry={cards.reload} />
        ) : !cards.data ? (
          <Loading label={t('common.loading')} />
        ) : cards.data.length === 0 ? (
          <EmptyState>{t('stamps.list.empty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('stamps.list.name')}</th>
                <th scope="col">{t('stamps.list.threshold')}</th>
                <th scope="col">{t('stamps.list.reward')}</th>
                <th scope="col">{t('stamps.list.validity')}</th>
                <th scope="col">{t('stamps.list.status')}</th>
                <th scope="col">{t('stamps.list.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {cards.data.map((card) => (
                <tr key={card.id}>
                  <td>{card.name}</td>
                  <td>{card.threshold}</td>
                  <td>{card.rewardName ?? '—'}</td>
                  <td>{t('stamps.days', { count: card.rewardValidityDays })}</td>
                  <td>{t(card.status === 'active' ? 'stamps.status.active' : 'stamps.status.archived')}</td>
                  <td>
                    {card.status === 'active' ? (
                      <div className="row">
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => {
                            setNotice(null);
                            setEditing({ mode: 'edit', card });
                          }}
                        >
                          {t('stamps.edit')}
                        </button>
                        <button type="button" className="secondary" onClick={() => setArchiving(card)}>
                          {t('stamps.archive')}
                        </button>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {archiving ? (
        <ConfirmDialog
          title={t('stamps.archive')}
          confirmLabel={t('stamps.archive')}
          isDanger
          isBusy={isArchiveBusy}
          onConfirm={() => void archive(archiving)}
          onCancel={() => setArchiving(null)}
        >
          <p>{t('stamps.archive.confirm', { name: archiving.name })}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}

type Draft = { name: string; threshold: string; rewardId: string; rewardValidityDays: string };
type Problems = Partial<Record<keyof Draft, string>>;

const wholeIn = (text: string, min: number, max: number): number | null => {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
};

/** Create or edit a definition; what is missing or out of range is said under its field. */
function StampCardForm({
  card,
  rewards,
  onSaved,
  onCancel,
}: {
  card: StampCard | null;
  rewards: Reward[] | null;
  onSaved(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>({
    name: card?.name ?? '',
    threshold: card ? String(card.threshold) : '10',
    rewardId: card?.rewardId ?? '',
    rewardValidityDays: card ? String(card.rewardValidityDays) : '30',
  });
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    const threshold = wholeIn(draft.threshold, 1, 1000);
    const rewardValidityDays = wholeIn(draft.rewardValidityDays, 1, 3650);
    const found: Problems = {
      ...(draft.name.trim() ? {} : { name: t('stamps.form.nameMissing') }),
      ...(threshold === null ? { threshold: t('stamps.form.thresholdInvalid') } : {}),
      ...(draft.rewardId ? {} : { rewardId: t('stamps.form.rewardMissing') }),
      ...(rewardValidityDays === null ? { rewardValidityDays: t('stamps.form.validityInvalid') } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length > 0 || threshold === null || rewardValidityDays === null) return;
    setBusy(true);
    setError(null);
    const body = { name: draft.name.trim(), threshold, rewardId: draft.rewardId, rewardValidityDays };
    try {
      if (card) await stampsApi.update(card.id, body);
      else await stampsApi.create(body);
      onSaved();
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'REWARD_NOT_FOUND')
        setProblems({ rewardId: t('stamps.error.rewardNotFound') });
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="stamp-form-title">
      <h2 id="stamp-form-title">
        {card ? t('stamps.form.editTitle', { name: card.name }) : t('stamps.form.createTitle')}
      </h2>
      {card ? <p className="field-hint">{t('stamps.form.editHint')}</p> : null}
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('stamps.form.name')}
          hint={t('stamps.form.nameHint')}
          value={draft.name}
          maxLength={120}
          onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          error={problems.name}
          disabled={isBusy}
        />
        <TextField
          label={t('stamps.form.threshold')}
          hint={t('stamps.form.thresholdHint')}
          inputMode="numeric"
          value={draft.threshold}
          onChange={(event) => setDraft({ ...draft, threshold: event.target.value })}
          error={problems.threshold}
          disabled={isBusy}
        />
        {rewards && rewards.length === 0 ? (
          <Notice tone="warning">{t('stamps.form.noRewards')}</Notice>
        ) : (
          <SelectField
            label={t('stamps.form.reward')}
            value={draft.rewardId}
            onChange={(event) => setDraft({ ...draft, rewardId: event.target.value })}
            error={problems.rewardId}
            disabled={isBusy || !rewards}
          >
            <option value="">{t('stamps.form.rewardPick')}</option>
            {rewards?.map((reward) => (
              <option key={reward.id} value={reward.id}>
                {reward.name}
              </option>
            ))}
          </SelectField>
        )}
        <TextField
          label={t('stamps.form.validity')}
          hint={t('stamps.form.validityHint')}
          inputMode="numeric"
          value={draft.rewardValidityDays}
          onChange={(event) => setDraft({ ...draft, rewardValidityDays: event.target.value })}
          error={problems.rewardValidityDays}
          disabled={isBusy}
        />
        {error ? <StampErrorNotice error={error} /> : null}
        <div className="row">
          <button type="submit" disabled={isBusy}>
            {isBusy ? t('stamps.form.saving') : card ? t('stamps.form.save') : t('stamps.form.create')}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={isBusy}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The stamp card API's own refusals in words; anything else as the portal describes it. */
function StampErrorNotice({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.code === 'STAMP_CARD_ARCHIVED')
    return <Notice tone="error">{t('stamps.error.archived')}</Notice>;
  if (error instanceof ApiError && error.code === 'STAMP_CARD_NOT_FOUND')
    return <Notice tone="error">{t('stamps.error.notFound')}</Notice>;
  return <ErrorNotice error={error} />;
}
