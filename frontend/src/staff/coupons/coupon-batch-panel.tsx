import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  PAPER_SIZES,
  SHEET_PER_PAGE,
  type CouponBatch,
  type CouponTemplate,
  type PaperSize,
  type SheetPerPage,
} from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { formatDateTime, formatPoints } from '../../shared/format.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { couponsApi, saveFile } from './coupons-api.js';

/** How often a running batch's progress is asked for. */
const POLL_MS = 1000;
const BATCH_MAX = 1_000_000;
type Sheet = { paper: PaperSize; perPage: SheetPerPage };

/**
 * Bearer codes of one template: a count (and a label) starts a batch job; its progress bar follows the job
 * until it is completed, then its codes download as CSV or PDF. The template's earlier batches are listed too.
 */
export function CouponBatchPanel({
  template,
  onClose,
  onBatchDone,
}: {
  template: CouponTemplate;
  onClose(): void;
  /** A batch finished: the template's count of issued coupons changed. */
  onBatchDone(): void;
}) {
  const { t, language } = useI18n();
  const [count, setCount] = useState('100');
  const [label, setLabel] = useState('');
  const [countProblem, setCountProblem] = useState<string | null>(null);
  const [batches, setBatches] = useState<CouponBatch[]>([]);
  const [sheet, setSheet] = useState<Sheet>({ paper: 'A4', perPage: 8 });
  const [listError, setListError] = useState<unknown>(null);
  const creation = useSubmission<CouponBatch>();

  // The template's earlier batches (the last 20), below any started here meanwhile.
  useEffect(() => {
    let isCurrent = true;
    couponsApi
      .listBatches(template.id)
      .then((page) => {
        if (!isCurrent) return;
        setBatches((started) => [
          ...started,
          ...page.items.filter((earlier) => !started.some((b) => b.id === earlier.id)),
        ]);
      })
      .catch((caught: unknown) => {
        if (isCurrent) setListError(caught);
      });
    return () => {
      isCurrent = false;
    };
  }, [template.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = /^\d+$/.test(count.trim()) ? Number(count.trim()) : NaN;
    if (!(value >= 1 && value <= BATCH_MAX)) {
      setCountProblem(t('coupons.batch.countInvalid', { max: formatPoints(BATCH_MAX, language) }));
      return;
    }
    setCountProblem(null);
    const batch = await creation.submit((idempotencyKey) =>
      couponsApi.createBatch(template.id, { count: value, label: label.trim() || null }, { idempotencyKey }),
    );
    if (batch) setBatches((previous) => [batch, ...previous.filter((b) => b.id !== batch.id)]);
  };
  const refusal = creation.state.status === 'failed' ? creation.state.error : null;

  return (
    <section className="panel" aria-labelledby="coupon-batch-title">
      <h2 id="coupon-batch-title">{t('coupons.batch.title', { name: template.name })}</h2>
      <p>{t('coupons.batch.intro')}</p>
      <form className="row" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('coupons.batch.count')}
          inputMode="numeric"
          value={count}
          onChange={(event) => setCount(event.target.value)}
          error={countProblem}
          disabled={creation.isLocked}
        />
        <TextField
          label={t('coupons.batch.label')}
          hint={t('coupons.batch.labelHint')}
          value={label}
          maxLength={120}
          onChange={(event) => setLabel(event.target.value)}
          disabled={creation.isLocked}
        />
        <button type="submit" disabled={creation.state.status === 'submitting'}>
          {creation.state.status === 'connectionLost' ? t('common.retry') : t('coupons.batch.generate')}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t('coupons.batch.close')}
        </button>
      </form>
      {creation.state.status === 'connectionLost' ? <ErrorNotice error={creation.state.error} /> : null}
      {refusal instanceof ApiError && refusal.code === 'COUPON_CODE_FORMAT_WEAK' ? (
        <Notice tone="error">
          {t('coupons.batch.formatWeak', {
            length: String((refusal.details as { minimumLength?: number } | null)?.minimumLength ?? '—'),
          })}
        </Notice>
      ) : refusal ? (
        <ErrorNotice error={refusal} />
      ) : null}
      {batches.length > 0 ? (
        <div className="row">
          <SelectField
            label={t('coupons.batch.paper')}
            value={sheet.paper}
            onChange={(event) => setSheet({ ...sheet, paper: event.target.value as PaperSize })}
          >
            {PAPER_SIZES.map((paper) => (
              <option key={paper} value={paper}>
                {paper}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t('coupons.batch.perPage')}
            value={String(sheet.perPage)}
            onChange={(event) => setSheet({ ...sheet, perPage: Number(event.target.value) as SheetPerPage })}
          >
            {SHEET_PER_PAGE.map((count) => (
              <option key={count} value={count}>
                {count}
              </option>
            ))}
          </SelectField>
        </div>
      ) : null}
      {listError ? <ErrorNotice error={listError} /> : null}
      {batches.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('coupons.batch.started')}</th>
              <th scope="col">{t('coupons.batch.label')}</th>
              <th scope="col">{t('coupons.batch.progress')}</th>
              <th scope="col">{t('coupons.list.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {batches.map((batch) => (
              <BatchRow
                key={batch.id}
                batch={batch}
                sheet={sheet}
                onProgress={(next) => {
                  setBatches((previous) => previous.map((b) => (b.id === next.id ? next : b)));
                  if (next.status === 'completed') onBatchDone();
                }}
                started={formatDateTime(batch.createdAt, language)}
              />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** One batch: polled while its job runs; "Download CSV" once its codes are all there. */
function BatchRow({
  batch,
  sheet,
  started,
  onProgress,
}: {
  batch: CouponBatch;
  sheet: Sheet;
  started: string;
  onProgress(batch: CouponBatch): void;
}) {
  const { t, language } = useI18n();
  const [pollError, setPollError] = useState<unknown>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [downloading, setDownloading] = useState<'csv' | 'pdf' | null>(null);
  const [failures, setFailures] = useState(0);
  const isDone = batch.status === 'completed';
  // The parent's callback changes with every render; the poll must not restart with it.
  const progressRef = useRef(onProgress);
  progressRef.current = onProgress;

  useEffect(() => {
    if (isDone) return;
    let isCurrent = true;
    const timer = setTimeout(() => {
      couponsApi
        .batch(batch.id)
        .then((next) => {
          if (!isCurrent) return;
          setPollError(null);
          progressRef.current(next);
        })
        .catch((caught: unknown) => {
          if (!isCurrent) return;
          // Shown under the bar; the poll goes on (a lost connection comes back).
          setPollError(caught);
          setFailures((n) => n + 1);
        });
    }, POLL_MS);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [batch, isDone, failures]);

  const download = async (kind: 'csv' | 'pdf') => {
    setDownloading(kind);
    setDownloadError(null);
    try {
      const file =
        kind === 'csv'
          ? await couponsApi.batchCsv(batch.id)
          : await couponsApi.batchPdf(batch.id, { ...sheet, language });
      const name =
        (batch.label ?? 'coupons').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'coupons';
      saveFile(file, `${name}.${kind}`);
    } catch (caught) {
      setDownloadError(caught);
    } finally {
      setDownloading(null);
    }
  };

  return (
    <tr>
      <td>{started}</td>
      <td>{batch.label ?? '—'}</td>
      <td>
        <progress
          max={100}
          value={batch.percent}
          aria-label={t('coupons.batch.progressOf', { label: batch.label ?? started })}
        />{' '}
        <span data-testid="batch-progress">
          {isDone
            ? t('coupons.batch.done', { count: formatPoints(batch.count, language) })
            : t('coupons.batch.generated', {
                generated: formatPoints(batch.generated, language),
                count: formatPoints(batch.count, language),
                percent: batch.percent,
              })}
        </span>
        {pollError ? <ErrorNotice error={pollError} /> : null}
      </td>
      <td>
        {isDone ? (
          <div className="row">
            <button
              type="button"
              className="secondary"
              onClick={() => void download('csv')}
              disabled={downloading !== null}
            >
              {downloading === 'csv' ? t('coupons.batch.downloading') : t('coupons.batch.downloadCsv')}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => void download('pdf')}
              disabled={downloading !== null}
            >
              {downloading === 'pdf' ? t('coupons.batch.downloading') : t('coupons.batch.downloadPdf')}
            </button>
          </div>
        ) : null}
        {downloadError ? <ErrorNotice error={downloadError} /> : null}
      </td>
    </tr>
  );
}
