import { useEffect, useState } from 'react';
import type { CouponTemplate } from '@regulars/contracts';
import { formatPoints } from '../../shared/format.js';
import { CheckboxField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { CouponBatchPanel } from './coupon-batch-panel.js';
import { CouponTemplateForm } from './coupon-template-form.js';
import { describeDiscount, describeValidity } from './coupon-terms.js';
import { couponsApi } from './coupons-api.js';

type Editing = { mode: 'create' } | { mode: 'edit'; template: CouponTemplate } | null;
type Listed = { items: CouponTemplate[]; nextCursor: string | null };

/** The marketers' coupon templates: the list page by page, the designer, batches of codes, and archiving. */
export function CouponsScreen() {
  const { t, language } = useI18n();
  const [isArchivedShown, setArchivedShown] = useState(false);
  const [listed, setListed] = useState<Listed | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [editing, setEditing] = useState<Editing>(null);
  const [batchesOf, setBatchesOf] = useState<CouponTemplate | null>(null);
  const [archiving, setArchiving] = useState<CouponTemplate | null>(null);
  const [archiveError, setArchiveError] = useState<unknown>(null);
  const [isArchiveBusy, setArchiveBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = () => setAttempt((n) => n + 1);

  useEffect(() => {
    let isCurrent = true;
    setListError(null);
    couponsApi
      .templates(isArchivedShown ? {} : { status: 'active' })
      .then((page) => {
        if (isCurrent) setListed({ items: page.items, nextCursor: page.nextCursor });
      })
      .catch((caught: unknown) => {
        if (isCurrent) setListError(caught);
      });
    return () => {
      isCurrent = false;
    };
  }, [isArchivedShown, attempt]);

  const more = async () => {
    if (!listed?.nextCursor) return;
    try {
      const page = await couponsApi.templates({
        ...(isArchivedShown ? {} : { status: 'active' }),
        cursor: listed.nextCursor,
      });
      setListed({ items: [...listed.items, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setListError(caught);
    }
  };

  const archive = async (template: CouponTemplate) => {
    setArchiveBusy(true);
    setArchiveError(null);
    try {
      await couponsApi.archiveTemplate(template.id);
      setNotice(t('coupons.archived', { name: template.name }));
      if (batchesOf?.id === template.id) setBatchesOf(null);
      reload();
    } catch (caught) {
      setArchiveError(caught);
    } finally {
      setArchiving(null);
      setArchiveBusy(false);
    }
  };

  return (
    <main className="page" id="main" aria-labelledby="coupons-title">
      <div className="page-heading">
        <h1 id="coupons-title">{t('coupons.title')}</h1>
        {!editing ? (
          <button
            type="button"
            onClick={() => {
              setNotice(null);
              setBatchesOf(null);
              setEditing({ mode: 'create' });
            }}
          >
            {t('coupons.add')}
          </button>
        ) : null}
      </div>
      <p>{t('coupons.intro')}</p>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {archiveError ? <ErrorNotice error={archiveError} /> : null}
      {editing ? (
        <CouponTemplateForm
          key={editing.mode === 'edit' ? editing.template.id : 'new'}
          template={editing.mode === 'edit' ? editing.template : null}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setNotice(t('coupons.saved', { name: saved.name }));
            reload();
          }}
        />
      ) : null}
      {batchesOf ? (
        <CouponBatchPanel
          key={batchesOf.id}
          template={batchesOf}
          onClose={() => setBatchesOf(null)}
          onBatchDone={reload}
        />
      ) : null}
      <section className="panel" aria-labelledby="coupons-list-title">
        <h2 id="coupons-list-title">{t('coupons.list.title')}</h2>
        <CheckboxField
          label={t('coupons.list.showArchived')}
          checked={isArchivedShown}
          onChange={setArchivedShown}
        />
        {listError ? (
          <ErrorNotice error={listError} onRetry={reload} />
        ) : !listed ? (
          <Loading label={t('common.loading')} />
        ) : listed.items.length === 0 ? (
          <EmptyState>{t('coupons.list.empty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('coupons.list.name')}</th>
                <th scope="col">{t('coupons.list.discount')}</th>
                <th scope="col">{t('coupons.list.kind')}</th>
                <th scope="col">{t('coupons.list.validity')}</th>
                <th scope="col" className="num">
                  {t('coupons.list.issued')}
                </th>
                <th scope="col" className="num">
                  {t('coupons.list.uses')}
                </th>
                <th scope="col">{t('coupons.list.status')}</th>
                <th scope="col">{t('coupons.list.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {listed.items.map((template) => (
                <tr key={template.id}>
                  <td>
                    {template.name}
                    {template.version > 1 ? (
                      <span className="field-hint">
                        {' '}
                        {t('coupons.list.version', { version: template.version })}
                      </span>
                    ) : null}
                  </td>
                  <td>{describeDiscount(template.discount, template.currency, t, language)}</td>
                  <td>{t(template.kind === 'bearer' ? 'coupons.kind.bearer' : 'coupons.kind.assigned')}</td>
                  <td>{describeValidity(template.validity, t, language)}</td>
                  <td className="num">{formatPoints(template.issued, language)}</td>
                  <td className="num">
                    {template.totalCap
                      ? t('coupons.list.usesOfCap', {
                          uses: formatPoints(template.uses, language),
                          cap: formatPoints(template.totalCap, language),
                        })
                      : formatPoints(template.uses, language)}
                  </td>
                  <td>
                    {t(template.status === 'active' ? 'coupons.status.active' : 'coupons.status.archived')}
                  </td>
                  <td>
                    {template.status === 'active' ? (
                      <div className="row">
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => {
                            setNotice(null);
                            setBatchesOf(null);
                            setEditing({ mode: 'edit', template });
                          }}
                        >
                          {t('coupons.edit')}
                        </button>
                        {template.kind === 'bearer' ? (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => {
                              setNotice(null);
                              setEditing(null);
                              setBatchesOf(template);
                            }}
                          >
                            {t('coupons.batches')}
                          </button>
                        ) : null}
                        <button type="button" className="secondary" onClick={() => setArchiving(template)}>
                          {t('coupons.archive')}
                        </button>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {listed?.nextCursor ? (
          <button type="button" className="secondary" onClick={() => void more()}>
            {t('common.more')}
          </button>
        ) : null}
      </section>
      {archiving ? (
        <ConfirmDialog
          title={t('coupons.archive')}
          confirmLabel={t('coupons.archive')}
          isDanger
          isBusy={isArchiveBusy}
          onConfirm={() => void archive(archiving)}
          onCancel={() => setArchiving(null)}
        >
          <p>{t('coupons.archive.confirm', { name: archiving.name })}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}
