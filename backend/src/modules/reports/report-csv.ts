import type { ReportCohorts, ReportKpis, ReportLiability, ReportRedemption } from '@regulars/contracts';

/** A CSV field: quoted when it holds a comma, a quote or a line break; a leading = + - @ is defused. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const row = (values: Array<string | number | boolean | null>): string =>
  `${values.map(csvField).join(',')}\n`;

const FLOW_COLUMNS = [
  'salesMinor',
  'refundsMinor',
  'netRevenueMinor',
  'orders',
  'memberOrders',
  'refunds',
  'averageOrderMinor',
  'giftCertificatesSoldMinor',
  'newMembers',
  'pointsIssued',
  'pointsRedeemed',
  'pointsExpired',
  'pointsReversed',
  'pointsAdjusted',
  'redemptionRateBp',
] as const;

/** The KPI series, one row a period, then the totals. */
export function* kpisCsv(kpis: ReportKpis): Generator<string> {
  yield row(['period', ...FLOW_COLUMNS]);
  for (const point of kpis.series) yield row([point.period, ...FLOW_COLUMNS.map((c) => point[c])]);
  yield row(['total', ...FLOW_COLUMNS.map((c) => kpis.totals[c])]);
}

export function* cohortsCsv(report: ReportCohorts): Generator<string> {
  const width = Math.max(0, ...report.rows.map((r) => r.retained.length));
  yield row([
    'cohort',
    'members',
    'netRevenueMinor',
    'rewardCostMinor',
    'lifetimeValueMinor',
    ...Array.from({ length: width }, (_, k) => `month${k}`),
  ]);
  for (const r of report.rows) {
    yield row([
      r.cohort,
      r.members,
      r.netRevenueMinor,
      r.rewardCostMinor,
      r.lifetimeValueMinor,
      ...Array.from({ length: width }, (_, k) => r.retained[k] ?? null),
    ]);
  }
}

export function* liabilityCsv(report: ReportLiability): Generator<string> {
  yield row(['figure', 'points', 'valueMinor']);
  const v = (points: number) => points * report.pointValueMinor;
  yield row(['outstanding', report.outstandingPoints, report.valueMinor]);
  yield row(['active', report.activePoints, v(report.activePoints)]);
  yield row(['pending', report.pendingPoints, v(report.pendingPoints)]);
  yield row(['debt', report.debtPoints, v(report.debtPoints)]);
  for (const bucket of report.ageing)
    yield row([`age ${bucket.bucket} days`, bucket.points, bucket.valueMinor]);
  yield row(['expected breakage', report.expectedBreakagePoints, report.expectedBreakageMinor]);
}

export function* redemptionCsv(report: ReportRedemption): Generator<string> {
  yield row([
    'kind',
    'period',
    'pointsIssued',
    'pointsRedeemed',
    'redemptionRateBp',
    'expired',
    'outstanding',
  ]);
  for (const p of report.periods)
    yield row(['period', p.period, p.pointsIssued, p.pointsRedeemed, p.redemptionRateBp, null, null]);
  for (const m of report.byIssueMonth)
    yield row(['issue month', m.month, m.issued, m.spent, m.spentRateBp, m.expired, m.outstanding]);
}
