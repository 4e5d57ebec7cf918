import { useCallback, useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { REWARD_IMAGE_MAX_BYTES, type Reward, type RewardKind } from '@regulars/contracts';
import {
  currencyDigits,
  formatDate,
  formatMoney,
  formatPoints,
  parseMoneyToMinor,
} from '../../shared/format.js';
import { CheckboxField, SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useSession } from '../session.js';
import { useI18n, type StaffT } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { adminApi } from './admin-api.js';
import { AdminErrorNotice } from './admin-errors.js';
import { dayEndIso, dayStartIso, dayOf, lastDayBefore } from './day-range.js';
import { FormFooter } from './form-footer.js';
import { useAdminWrite } from './use-admin-write.js';

const KINDS: RewardKind[] = ['fixed_discount', 'percent_discount', 'free_product'];

type Draft = {
  name: string;
  description: string;
  pointsCost: string;
  kind: RewardKind;
  value: string;
  percent: string;
  sku: string;
  stock: string;
  perMemberLimit: string;
  availableFrom: string;
  availableUntil: string;
  tiers: string;
  isActive: boolean;
};
type Problems = Partial<Record<keyof Draft | 'image', string>>;

function toDraft(reward: Reward | null, currency: string, timeZone: string): Draft {
  const digits = currencyDigits(currency);
  return {
    name: reward?.name ?? '',
    description: reward?.description ?? '',
    pointsCost: reward ? String(reward.pointsCost) : '',
    kind: reward?.kind ?? 'fixed_discount',
    value: reward?.valueMinor != null ? (reward.valueMinor / 10 ** digits).toFixed(digits) : '',
    percent: reward?.percent != null ? String(reward.percent) : '',
    sku: reward?.sku ?? '',
    stock: reward?.stock != null ? String(reward.stock) : '',
    perMemberLimit: reward?.perMemberLimit != null ? String(reward.perMemberLimit) : '',
    availableFrom: reward?.availableFrom ? dayOf(reward.availableFrom, timeZone) : '',
    availableUntil: reward?.availableUntil ? lastDayBefore(reward.availableUntil, timeZone) : '',
    tiers: reward?.tiers?.join(', ') ?? '',
    isActive: reward?.isActive ?? true,
  };
}

/** What the reward gives, in words: "€2.50 off", "10% off", "Free CROISSANT". */
export function describeRewardValue(reward: Reward, currency: string, language: string, t: StaffT): string {
  if (reward.kind === 'fixed_discount' && reward.valueMinor != null)
    return t('admin.rewards.amountOff', { amount: formatMoney(reward.valueMinor, currency, language) });
  if (reward.kind === 'percent_discount' && reward.percent != null)
    return t('admin.rewards.percentOff', { percent: reward.percent });
  return t('admin.rewards.freeProduct', { sku: reward.sku ?? '' });
}

/** The rewards catalogue: the list, adding and editing a reward with its picture, withdrawing one. */
export function RewardsScreen() {
  const { t, language } = useI18n();
  const { program } = useSession();
  const [rewards, setRewards] = useState<Reward[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Reward | 'new' | null>(null);
  const [toggling, setToggling] = useState<Reward | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = useAdminWrite();

  const load = useCallback(async (next?: string) => {
    setLoadError(null);
    try {
      const page = await adminApi.rewards(next);
      setRewards((previous) => (next && previous ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (caught) {
      setLoadError(caught);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="page" id="main" aria-labelledby="rewards-title">
      <div className="page-heading">
        <h1 id="rewards-title">{t('admin.rewards.title')}</h1>
        {editing === null ? (
          <button
            type="button"
            onClick={() => {
              setNotice(null);
              setEditing('new');
            }}
          >
            {t('admin.rewards.add')}
          </button>
        ) : null}
      </div>
      {notice ? (
        <Notice tone="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      {editing !== null ? (
        <RewardForm
          key={editing === 'new' ? 'new' : editing.id}
          reward={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            setNotice(t('admin.rewards.saved'));
            void load();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {toggle.error ? <AdminErrorNotice error={toggle.error} /> : null}
      <section className="panel" aria-labelledby="rewards-list-title">
        <h2 id="rewards-list-title">{t('admin.rewards.list')}</h2>
        {loadError ? (
          <AdminErrorNotice error={loadError} onRetry={() => void load()} />
        ) : !rewards ? (
          <Loading label={t('common.loading')} />
        ) : rewards.length === 0 ? (
          <EmptyState>{t('admin.rewards.empty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.rewards.name')}</th>
                <th scope="col">{t('admin.rewards.what')}</th>
                <th scope="col" className="num">
                  {t('admin.rewards.cost')}
                </th>
                <th scope="col">{t('admin.rewards.left')}</th>
                <th scope="col">{t('admin.rewards.availability')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rewards.map((reward) => (
                <tr key={reward.id}>
                  <td>
                    <div className="reward-admin-name">
                      {reward.imageUrl ? (
                        <img
                          src={reward.imageUrl}
                          alt={t('admin.rewards.imageOf', { name: reward.name })}
                          className="reward-admin-thumb"
                          width={40}
                          height={40}
                        />
                      ) : null}
                      <span>{reward.name}</span>
                    </div>
                  </td>
                  <td>
                    {describeRewardValue(reward, program.currency, language, t)}
                    {reward.perMemberLimit != null ? (
                      <span className="field-hint">
                        {' '}
                        · {t('admin.rewards.perMember', { count: reward.perMemberLimit })}
                      </span>
                    ) : null}
                    {reward.tiers?.length ? (
                      <span className="field-hint"> · {reward.tiers.join(', ')}</span>
                    ) : null}
                  </td>
                  <td className="num">{formatPoints(reward.pointsCost, language)}</td>
                  <td>
                    {reward.stock == null
                      ? t('admin.rewards.unlimited')
                      : formatPoints(reward.stock, language)}
                  </td>
                  <td>{availabilityText(reward, language, t)}</td>
                  <td>{reward.isActive ? t('admin.active') : t('admin.rewards.withdrawn')}</td>
                  <td>
                    <div className="admin-table-actions">
                      <button
                        type="button"
                        className="secondary"
                        aria-label={t('admin.rewards.editNamed', { name: reward.name })}
                        onClick={() => {
                          setNotice(null);
                          setEditing(reward);
                        }}
                      >
                        {t('admin.edit')}
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={t(
                          reward.isActive ? 'admin.rewards.withdrawNamed' : 'admin.rewards.offerNamed',
                          {
                            name: reward.name,
                          },
                        )}
                        onClick={() => setToggling(reward)}
                      >
                        {reward.isActive ? t('admin.rewards.withdraw') : t('admin.rewards.offer')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor ? (
          <button type="button" className="secondary" onClick={() => void load(cursor)}>
            {t('common.more')}
          </button>
        ) : null}
      </section>
      {toggling ? (
        <ConfirmDialog
          title={t(toggling.isActive ? 'admin.rewards.withdrawTitle' : 'admin.rewards.offerTitle', {
            name: toggling.name,
          })}
          confirmLabel={toggling.isActive ? t('admin.rewards.withdraw') : t('admin.rewards.offer')}
          isDanger={toggling.isActive}
          isBusy={toggle.isBusy}
          onCancel={() => setToggling(null)}
          onConfirm={() =>
            void toggle
              .run(async () => {
                await adminApi.updateReward(toggling.id, { isActive: !toggling.isActive });
              })
              .then(() => {
                setToggling(null);
                void load();
              })
          }
        >
          <p>{toggling.isActive ? t('admin.rewards.withdrawBody') : t('admin.rewards.offerBody')}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}

function availabilityText(reward: Reward, language: string, t: StaffT): string {
  const parts = [
    reward.availableFrom
      ? t('admin.rewards.fromDate', { date: formatDate(reward.availableFrom, language) })
      : null,
    reward.availableUntil
      ? t('admin.rewards.untilDate', {
          date: formatDate(new Date(Date.parse(reward.availableUntil) - 1).toISOString(), language),
        })
      : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : t('admin.rewards.always');
}

/** The file's bytes as base64 (without the data: prefix). */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

const wholeOrEmpty = (text: string, min: number): number | null | 'bad' => {
  if (!text.trim()) return null;
  return /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= 100_000_000
    ? Number(text)
    : 'bad';
};

function RewardForm({
  reward,
  onDone,
  onCancel,
}: {
  reward: Reward | null;
  onDone(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const { program } = useSession();
  const [draft, setDraft] = useState<Draft>(() => toDraft(reward, program.currency, program.timeZone));
  const [problems, setProblems] = useState<Problems>({});
  const [image, setImage] = useState<File | null>(null);
  const [removeImage, setRemoveImage] = useState(false);
  // A new reward whose picture upload failed exists already: saving again changes it, never adds a second.
  const createdId = useRef<string | null>(null);
  const write = useAdminWrite();
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  const pickImage = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0] ?? null;
    setImage(file);
    setRemoveImage(false);
    setProblems((current) => ({
      ...current,
      image: file && file.size > REWARD_IMAGE_MAX_BYTES ? t('admin.error.imageTooLarge') : undefined,
    }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Problems = {};
    if (!draft.name.trim()) found.name = t('admin.rewards.nameMissing');
    const pointsCost = Number(draft.pointsCost);
    if (!/^\d+$/.test(draft.pointsCost.trim()) || pointsCost < 1 || pointsCost > 10_000_000)
      found.pointsCost = t('admin.rewards.pointsInvalid');
    const valueMinor = parseMoneyToMinor(draft.value, program.currency);
    if (draft.kind === 'fixed_discount' && (!valueMinor || valueMinor < 1))
      found.value = t('admin.rewards.valueInvalid');
    const percent = Number(draft.percent);
    if (
      draft.kind === 'percent_discount' &&
      (!/^\d+$/.test(draft.percent.trim()) || percent < 1 || percent > 100)
    )
      found.percent = t('admin.rewards.percentInvalid');
    if (draft.kind === 'free_product' && !draft.sku.trim()) found.sku = t('admin.rewards.skuMissing');
    const stock = wholeOrEmpty(draft.stock, 0);
    if (stock === 'bad') found.stock = t('admin.rewards.wholeNumber');
    const perMemberLimit = wholeOrEmpty(draft.perMemberLimit, 1);
    if (perMemberLimit === 'bad') found.perMemberLimit = t('admin.rewards.limitInvalid');
    const availableFrom = draft.availableFrom ? dayStartIso(draft.availableFrom, program.timeZone) : null;
    const availableUntil = draft.availableUntil ? dayEndIso(draft.availableUntil, program.timeZone) : null;
    if (availableFrom && availableUntil && availableUntil <= availableFrom)
      found.availableUntil = t('admin.rewards.datesInvalid');
    if (image && image.size > REWARD_IMAGE_MAX_BYTES) found.image = t('admin.error.imageTooLarge');
    setProblems(found);
    if (Object.keys(found).length > 0 || stock === 'bad' || perMemberLimit === 'bad') return;
    const tiers = draft.tiers
      .split(',')
      .map((tier) => tier.trim())
      .filter(Boolean);
    const fields = {
      name: draft.name.trim(),
      pointsCost,
      kind: draft.kind,
      ...(draft.kind === 'fixed_discount' && valueMinor ? { valueMinor } : {}),
      ...(draft.kind === 'percent_discount' ? { percent } : {}),
      ...(draft.kind === 'free_product' ? { sku: draft.sku.trim() } : {}),
      isActive: draft.isActive,
    };
    void write
      .run(async () => {
        let id = reward?.id ?? createdId.current;
        if (id) {
          await adminApi.updateReward(id, {
            ...fields,
            description: draft.description.trim() || null,
            stock,
            perMemberLimit,
            availableFrom,
            availableUntil,
            tiers: tiers.length ? tiers : null,
          });
        } else {
          const created = await adminApi.createReward({
            ...fields,
            ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
            ...(stock !== null ? { stock } : {}),
            ...(perMemberLimit !== null ? { perMemberLimit } : {}),
            ...(availableFrom ? { availableFrom } : {}),
            ...(availableUntil ? { availableUntil } : {}),
            ...(tiers.length ? { tiers } : {}),
          });
          id = created.id;
          createdId.current = created.id;
        }
        if (id && image) await adminApi.putRewardImage(id, await readAsBase64(image));
        else if (id && removeImage && reward?.imageUrl) await adminApi.deleteRewardImage(id);
      })
      .then((isDone) => {
        if (isDone) onDone();
      });
  };

  return (
    <section className="panel" aria-labelledby="reward-form-title">
      <h2 id="reward-form-title">
        {reward ? t('admin.rewards.editTitle', { name: reward.name }) : t('admin.rewards.newTitle')}
      </h2>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="admin-form-grid">
          <TextField
            label={t('admin.rewards.name')}
            value={draft.name}
            onChange={set('name')}
            error={problems.name ?? null}
            maxLength={120}
          />
          <TextField
            label={t('admin.rewards.description')}
            value={draft.description}
            onChange={set('description')}
            maxLength={1000}
          />
          <TextField
            label={t('admin.rewards.pointsCost')}
            value={draft.pointsCost}
            onChange={set('pointsCost')}
            inputMode="numeric"
            error={problems.pointsCost ?? null}
          />
          <SelectField label={t('admin.rewards.kind')} value={draft.kind} onChange={set('kind')}>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`admin.rewards.kind.${kind}`)}
              </option>
            ))}
          </SelectField>
          {draft.kind === 'fixed_discount' ? (
            <TextField
              label={t('admin.rewards.value', { currency: program.currency })}
              value={draft.value}
              onChange={set('value')}
              inputMode="decimal"
              error={problems.value ?? null}
            />
          ) : null}
          {draft.kind === 'percent_discount' ? (
            <TextField
              label={t('admin.rewards.percent')}
              value={draft.percent}
              onChange={set('percent')}
              inputMode="numeric"
              error={problems.percent ?? null}
            />
          ) : null}
          {draft.kind === 'free_product' ? (
            <TextField
              label={t('admin.rewards.sku')}
              value={draft.sku}
              onChange={set('sku')}
              error={problems.sku ?? null}
              maxLength={64}
            />
          ) : null}
          <TextField
            label={t('admin.rewards.stock')}
            hint={t('admin.rewards.stockHint')}
            value={draft.stock}
            onChange={set('stock')}
            inputMode="numeric"
            error={problems.stock ?? null}
          />
          <TextField
            label={t('admin.rewards.perMemberLimit')}
            hint={t('admin.rewards.perMemberLimitHint')}
            value={draft.perMemberLimit}
            onChange={set('perMemberLimit')}
            inputMode="numeric"
            error={problems.perMemberLimit ?? null}
          />
          <TextField
            label={t('admin.rewards.availableFrom')}
            hint={t('admin.rewards.datesHint')}
            type="date"
            value={draft.availableFrom}
            onChange={set('availableFrom')}
          />
          <TextField
            label={t('admin.rewards.availableUntil')}
            type="date"
            value={draft.availableUntil}
            onChange={set('availableUntil')}
            error={problems.availableUntil ?? null}
          />
          <TextField
            label={t('admin.rewards.tiers')}
            hint={t('admin.rewards.tiersHint')}
            value={draft.tiers}
            onChange={set('tiers')}
          />
          <TextField
            label={t('admin.rewards.image')}
            hint={t('admin.rewards.imageHint')}
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={pickImage}
            error={problems.image ?? null}
          />
        </div>
        {reward?.imageUrl && !image ? (
          <div className="row reward-admin-current">
            {!removeImage ? (
              <img
                src={reward.imageUrl}
                alt={t('admin.rewards.imageCurrent')}
                className="reward-admin-preview"
                width={96}
                height={96}
              />
            ) : null}
            <CheckboxField
              label={t('admin.rewards.imageRemove')}
              checked={removeImage}
              onChange={setRemoveImage}
            />
          </div>
        ) : null}
        <CheckboxField
          label={t('admin.rewards.isActive')}
          checked={draft.isActive}
          onChange={(isActive) => setDraft((current) => ({ ...current, isActive }))}
        />
        <FormFooter
          error={write.error}
          isBusy={write.isBusy}
          submitLabel={reward ? t('admin.save') : t('admin.rewards.create')}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}
