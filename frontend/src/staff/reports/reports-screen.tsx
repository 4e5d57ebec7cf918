import { useState } from 'react';
import type {
  ReportCohorts,
  ReportFlows,
  ReportGranularity,
  ReportKpis,
  ReportLiability,
} from '@regulars/contracts';
import { formatMoney, formatPoints } from '../../shared/format.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { saveFile } from '../coupons/coupons-api.js';
import { useSession } from '../session.js';
import { useI18n, type StaffT } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { BarChart, LineChart } from './report-charts.js';
import { reportsApi, type ReportExport, type ReportFilters } from './reports-api.js';
import './reports.css';

const DAY_MS = 86_400_000;
const MAX_DAYS = 5 * 366;

/** Today in the program's time zone, as YYYY-MM-DD. */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysOf = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

function rangeProblem(f: ReportFilters, t: StaffT): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.from) || !/^\d{4}-\d{2}-\d{2}$/.test(f.to))
    return t('reports.range.invalid');
  if (f.to < f.from) return t('reports.range.invalid');
  if (daysOf(f.from, f.to) > MAX_DAYS) return t('reports.range.tooLong');
  return null;
}

/** The managers' dashboard: key figures against the previous period, charts, cohorts and the liability. */
export function ReportsScreen() {
  const { t, language } = useI18n();
  const session = useSession();
  const { timeZone, currency } = session.program;
  const [filters, setFilters] = useState<ReportFilters>(() => {
    const today = todayIn(timeZone);
    return { from: addDays(today, -89), to: today, storeId: null, granularity: 'day' };
  });
  const problem = rangeProblem(filters, t);
  const key = JSON.stringify(filters);
  const kpis = useLoad(() => (problem ? Promise.resolve(null) : reportsApi.kpis(filters)), key);
  const cohorts = useLoad(() => (problem ? Promise.resolve(null) : reportsApi.cohorts(filters)), key);
  const liability = useLoad(() => reportsApi.liability());
  const [exportError, setExportError] = useState<string | null>(null);
  const money = (minor: number) => formatMoney(minor, currency, language);

  const download = async (report: ReportExport) => {
    setExportError(null);
    try {
      const blob = await reportsApi.csv(report, filters);
      saveFile(
        blob,
        report === 'liability' ? 'liability.csv' : `${report}-${filters.from}-${filters.to}.csv`,
      );
    } catch {
      setExportError(t('reports.export.failed'));
    }
  };
  const set = (changes: Partial<ReportFilters>) => setFilters((f) => ({ ...f, ...changes }));

  return (
    <main className="page reports" id="main" aria-labelledby="reports-title">
      <div className="page-heading">
        <h1 id="reports-title">{t('reports.title')}</h1>
      </div>
      <p>{t('reports.intro', { timeZone })}</p>
      <section className="panel" aria-label={t('reports.kpis.title')}>
        <div className="row">
          <TextField
            label={t('reports.from')}
            type="date"
            value={filters.from}
            onChange={(e) => set({ from: e.target.value })}
          />
          <TextField
            label={t('reports.to')}
            type="date"
            value={filters.to}
            onChange={(e) => set({ to: e.target.value })}
          />
          <SelectField
            label={t('reports.store')}
            value={filters.storeId ?? ''}
            onChange={(e) => set({ storeId: e.target.value || null })}
          >
            <option value="">{t('reports.store.all')}</option>
            {session.stores.map((store) => (
              <option key={store.id} value={store.id}>
                {store.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t('reports.granularity')}
            value={filters.granularity}
            onChange={(e) => set({ granularity: e.target.value as ReportGranularity })}
          >
            <option value="day">{t('reports.granularity.day')}</option>
            <option value="week">{t('reports.granularity.week')}</option>
            <option value="month">{t('reports.granularity.month')}</option>
          </SelectField>
        </div>
        {problem ? <Notice tone="error">{problem}</Notice> : null}
      </section>
      {exportError ? <Notice tone="error">{exportError}</Notice> : null}
      {problem ? null : kpis.error ? (
        <ErrorNotice error={kpis.error} onRetry={kpis.reload} />
      ) : kpis.isLoading || !kpis.data ? (
        <Loading label={t('common.loading')} />
      ) : (
        <KpiSection kpis={kpis.data} money={money} onExport={() => void download('kpis')} />
      )}
      {problem ? null : (
        <section className="panel" aria-labelledby="cohorts-title">
          <div className="page-heading">
            <h2 id="cohorts-title">{t('reports.cohorts.title')}</h2>
            <button type="button" className="secondary" onClick={() => void download('cohorts')}>
              {t('reports.export.cohorts')}
            </button>
          </div>
          <p className="field-hint">{t('reports.cohorts.intro')}</p>
          {cohorts.error ? (
            <ErrorNotice error={cohorts.error} onRetry={cohorts.reload} />
          ) : cohorts.isLoading || !cohorts.data ? (
            <Loading label={t('common.loading')} />
          ) : (
            <CohortHeatmap cohorts={cohorts.data} money={money} />
          )}
        </section>
      )}
      <section className="panel" aria-labelledby="liability-title">
        <div className="page-heading">
          <h2 id="liability-title">{t('reports.liability.title')}</h2>
          <button type="button" className="secondary" onClick={() => void download('liability')}>
            {t('reports.export.liability')}
          </button>
        </div>
        <p className="field-hint">{t('reports.liability.intro')}</p>
        {liability.error ? (
          <ErrorNotice error={liability.error} onRetry={liability.reload} />
        ) : !liability.data ? (
          <Loading label={t('common.loading')} />
        ) : (
          <LiabilityTable liability={liability.data} money={money} />
        )}
      </section>
    </main>
  );
}

function percent(bp: number | null, language: string): string {
  return bp === null
    ? '—'
    : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(bp / 10_000);
}

function Change({ current, previous, days }: { current: number; previous: number; days: number }) {
  const { t, language } = useI18n();
  if (previous === 0) return <span className="report-change">{t('reports.noPrevious', { days })}</span>;
  const ratio = (current - previous) / Math.abs(previous);
  const change = new Intl.NumberFormat(language, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(ratio);
  return (
    <span className={`report-change ${ratio > 0 ? 'is-up' : ratio < 0 ? 'is-down' : ''}`}>
      {t('reports.vsPrevious', { change, days })}
    </span>
  );
}

type TileSpec = {
  id: string;
  label: string;
  value: string;
  current?: number;
  previous?: number;
  note?: string;
};

function KpiSection({
  kpis,
  money,
  onExport,
}: {
  kpis: ReportKpis;
  money(m: number): string;
  onExport(): void;
}) {
  const { t, language } = useI18n();
  const days = daysOf(kpis.from, kpis.to);
  const { totals, previous, memberBase } = kpis;
  const flow = (
    id: string,
    label: string,
    field: keyof ReportFlows,
    format: (n: number) => string,
  ): TileSpec => ({
    id,
    label,
    value: totals[field] === null ? '—' : format(totals[field] ?? 0),
    current: totals[field] ?? 0,
    previous: previous[field] ?? 0,
  });
  const count = (n: number) => formatPoints(n, language);
  const tiles: TileSpec[] = [
    flow('net-revenue', t('reports.kpi.netRevenue'), 'netRevenueMinor', money),
    flow('sales', t('reports.kpi.sales'), 'salesMinor', money),
    flow('orders', t('reports.kpi.orders'), 'orders', count),
    flow('average-order', t('reports.kpi.averageOrder'), 'averageOrderMinor', money),
    flow('new-members', t('reports.kpi.newMembers'), 'newMembers', count),
    {
      id: 'redemption-rate',
      label: t('reports.kpi.redemptionRate'),
      value: percent(totals.redemptionRateBp, language),
      current: totals.redemptionRateBp ?? 0,
      previous: previous.redemptionRateBp ?? 0,
    },
    {
      id: 'active-share',
      label: t('reports.kpi.activeShare'),
      value: percent(memberBase.activeShareBp, language),
      note: memberBase.isActiveShareHealthy ? t('reports.activeShare.healthy') : t('reports.activeShare.low'),
    },
    {
      id: 'repeat-rate',
      label: t('reports.kpi.repeatRate'),
      value: percent(memberBase.repeatPurchaseRateBp, language),
    },
  ];
  const isEmpty =
    totals.orders === 0 && totals.refunds === 0 && totals.pointsIssued === 0 && totals.newMembers === 0;
  const label = (period: string) => period;
  return (
    <section className="panel" aria-labelledby="kpis-title">
      <div className="page-heading">
        <h2 id="kpis-title">{t('reports.kpis.title')}</h2>
        <button type="button" className="secondary" onClick={onExport}>
          {t('reports.export.kpis')}
        </button>
      </div>
      <ul className="report-tiles">
        {tiles.map((tile) => (
          <li key={tile.id} className="report-tile" data-testid={`kpi-${tile.id}`}>
            <span className="report-tile-label">{tile.label}</span>
            <strong className="report-tile-value">{tile.value}</strong>
            {tile.current !== undefined && tile.previous !== undefined ? (
              <Change current={tile.current} previous={tile.previous} days={days} />
            ) : null}
            {tile.note ? (
              <span className={`report-change ${memberBase.isActiveShareHealthy ? 'is-up' : 'is-down'}`}>
                {tile.note}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="field-hint">{t('reports.memberBase.note')}</p>
      {isEmpty ? (
        <EmptyState>{t('reports.empty')}</EmptyState>
      ) : (
        <>
          <div className="report-charts">
            <LineChart
              title={t('reports.chart.revenue')}
              points={kpis.series.map((p) => ({ label: label(p.period), value: p.netRevenueMinor }))}
              format={money}
            />
            <BarChart
              title={t('reports.chart.orders')}
              points={kpis.series.map((p) => ({ label: label(p.period), value: p.orders }))}
              format={count}
            />
          </div>
          <details>
            <summary>{t('reports.chart.table')}</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('reports.chart.period')}</th>
                  <th scope="col" className="num">
                    {t('reports.chart.revenue')}
                  </th>
                  <th scope="col" className="num">
                    {t('reports.chart.orders')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {kpis.series.map((p) => (
                  <tr key={p.period}>
                    <td>{p.period}</td>
                    <td className="num">{money(p.netRevenueMinor)}</td>
                    <td className="num">{count(p.orders)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

function CohortHeatmap({ cohorts, money }: { cohorts: ReportCohorts; money(m: number): string }) {
  const { t, language } = useI18n();
  if (cohorts.rows.length === 0) return <EmptyState>{t('reports.cohorts.empty')}</EmptyState>;
  const width = Math.max(...cohorts.rows.map((r) => r.retained.length));
  return (
    <div className="report-heatmap-scroll">
      <table className="report-heatmap" data-testid="cohort-heatmap">
        <thead>
          <tr>
            <th scope="col">{t('reports.cohorts.cohort')}</th>
            <th scope="col" className="num">
              {t('reports.cohorts.members')}
            </th>
            <th scope="col" className="num">
              {t('reports.cohorts.lifetimeValue')}
            </th>
            {Array.from({ length: width }, (_, k) => (
              <th key={k} scope="col" className="num">
                {t('reports.cohorts.month', { k })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.rows.map((row) => (
            <tr key={row.cohort}>
              <th scope="row">{row.cohort}</th>
              <td className="num">{formatPoints(row.members, language)}</td>
              <td className="num">{money(row.lifetimeValueMinor)}</td>
              {Array.from({ length: width }, (_, k) => {
                const members = row.retained[k];
                if (members === undefined) return <td key={k} />;
                const share = row.members ? members / row.members : 0;
                const shown = percent(Math.round(share * 10_000), language);
                return (
                  <td
                    key={k}
                    className="num report-heat"
                    style={{ background: `rgba(31, 78, 121, ${(0.08 + share * 0.82).toFixed(2)})` }}
                    data-dark={share > 0.5 ? 'true' : undefined}
                    title={t('reports.cohorts.cell', { members, size: row.members, percent: shown })}
                  >
                    {shown}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LiabilityTable({ liability, money }: { liability: ReportLiability; money(m: number): string }) {
  const { t, language } = useI18n();
  const points = (n: number) => t('reports.points', { points: formatPoints(n, language) });
  return (
    <table aria-labelledby="liability-title">
      <tbody>
        <tr>
          <th scope="row">{t('reports.liability.outstanding')}</th>
          <td className="num" data-testid="liability-outstanding">
            {points(liability.outstandingPoints)}
          </td>
          <td className="num">{money(liability.valueMinor)}</td>
        </tr>
        <tr>
          <th scope="row">{t('reports.liability.active')}</th>
          <td className="num">{points(liability.activePoints)}</td>
          <td className="num">{money(liability.activePoints * liability.pointValueMinor)}</td>
        </tr>
        <tr>
          <th scope="row">{t('reports.liability.pending')}</th>
          <td className="num">{points(liability.pendingPoints)}</td>
          <td className="num">{money(liability.pendingPoints * liability.pointValueMinor)}</td>
        </tr>
        {liability.ageing.map((bucket) => (
          <tr key={bucket.bucket}>
            <th scope="row">{t('reports.liability.age', { bucket: bucket.bucket })}</th>
            <td className="num">{points(bucket.points)}</td>
            <td className="num">{money(bucket.valueMinor)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t('reports.liability.breakage')}</th>
          <td className="num">{points(liability.expectedBreakagePoints)}</td>
          <td className="num">{money(liability.expectedBreakageMinor)}</td>
        </tr>
      </tbody>
    </table>
  );
}
