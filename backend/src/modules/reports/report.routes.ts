import type { Response } from 'express';
import {
  ObjectIdString,
  ReportCohorts,
  ReportKpiQuery,
  ReportKpis,
  ReportLiability,
  ReportRangeQuery,
  ReportRedemption,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ADMINS, MANAGERS, storeScopeOf } from '../../platform/principal.js';
import type { DataExportService } from './data-export.service.js';
import { cohortsCsv, kpisCsv, liabilityCsv, redemptionCsv } from './report-csv.js';
import type { ReportService } from './report.service.js';

const CohortQuery = ReportRangeQuery.omit({ storeId: true }).openapi('ReportCohortQuery');
const RANGE_ERRORS = ['REPORT_RANGE_INVALID', 'REPORT_RANGE_TOO_LONG'] as const;

/** Writes the rows as they come, waiting for the socket to drain (no whole-file buffer). */
async function streamCsv(
  res: Response,
  filename: string,
  rows: Iterable<string> | AsyncIterable<string>,
): Promise<undefined> {
  res.status(200);
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
  });
  for await (const chunk of rows) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
  return undefined;
}

const csvResponse = { schema: z.string(), mediaType: 'text/csv', description: 'The CSV' } as const;

/** The KPI reports: managers and admins (a manager bound to a store sees that store's flows). */
export function registerReportRoutes(
  api: Api,
  deps: { reports: ReportService; exports: DataExportService },
): void {
  const reports = deps.reports;
  const access = { staff: MANAGERS };

  api.route({
    method: 'get',
    path: '/reports/kpis',
    operationId: 'getReportKpis',
    summary:
      'Sales, net revenue, orders, average order, points and the member base for a range of program days',
    description:
      'Days are the program time zone’s, `from` and `to` included (at most 5 years). `previous` is the same number of days just before. See docs/metrics.md for every definition.',
    tags: ['Reports'],
    access,
    query: ReportKpiQuery,
    response: { schema: ReportKpis },
    errors: [...RANGE_ERRORS, 'STORE_MISMATCH'],
    handler: async ({ query, principal }) =>
      reports.kpis({ ...query, storeId: storeScopeOf(principal, query.storeId) }),
  });

  api.route({
    method: 'get',
    path: '/reports/kpis.csv',
    operationId: 'exportReportKpis',
    summary: 'The KPI series of a range as CSV (one row a period, then the totals), streamed',
    tags: ['Reports'],
    access,
    query: ReportKpiQuery,
    response: csvResponse,
    errors: [...RANGE_ERRORS, 'STORE_MISMATCH'],
    handler: async ({ query, principal, res }) => {
      const kpis = await reports.kpis({ ...query, storeId: storeScopeOf(principal, query.storeId) });
      return streamCsv(res, `kpis-${query.from}-${query.to}.csv`, kpisCsv(kpis));
    },
  });

  api.route({
    method: 'get',
    path: '/reports/cohorts',
    operationId: 'getReportCohorts',
    summary:
      'Monthly acquisition cohorts: members retained each month after the first purchase, and lifetime value',
    tags: ['Reports'],
    access,
    query: CohortQuery,
    response: { schema: ReportCohorts },
    errors: [...RANGE_ERRORS],
    handler: async ({ query }) => reports.cohorts(query),
  });

  api.route({
    method: 'get',
    path: '/reports/cohorts.csv',
    operationId: 'exportReportCohorts',
    summary: 'The cohorts as CSV (one row a cohort, a column per month since the first purchase), streamed',
    tags: ['Reports'],
    access,
    query: CohortQuery,
    response: csvResponse,
    errors: [...RANGE_ERRORS],
    handler: async ({ query, res }) =>
      streamCsv(res, `cohorts-${query.from}-${query.to}.csv`, cohortsCsv(await reports.cohorts(query))),
  });

  api.route({
    method: 'get',
    path: '/reports/liability',
    operationId: 'getReportLiability',
    summary:
      'The points liability now: outstanding (active, pending), its value, ageing and expected breakage',
    tags: ['Reports'],
    access,
    response: { schema: ReportLiability },
    handler: async () => reports.liability(),
  });

  api.route({
    method: 'get',
    path: '/reports/liability.csv',
    operationId: 'exportReportLiability',
    summary: 'The points liability as CSV, streamed',
    tags: ['Reports'],
    access,
    response: csvResponse,
    handler: async ({ res }) => streamCsv(res, 'liability.csv', liabilityCsv(await reports.liability())),
  });

  api.route({
    method: 'get',
    path: '/reports/redemption',
    operationId: 'getReportRedemption',
    summary:
      'Redemption rate: points redeemed ÷ issued per period, and what became of each month’s issued points',
    tags: ['Reports'],
    access,
    query: ReportKpiQuery,
    response: { schema: ReportRedemption },
    errors: [...RANGE_ERRORS, 'STORE_MISMATCH'],
    handler: async ({ query, principal }) =>
      reports.redemption({ ...query, storeId: storeScopeOf(principal, query.storeId) }),
  });

  api.route({
    method: 'get',
    path: '/reports/redemption.csv',
    operationId: 'exportReportRedemption',
    summary: 'The redemption report as CSV, streamed',
    tags: ['Reports'],
    access,
    query: ReportKpiQuery,
    response: csvResponse,
    errors: [...RANGE_ERRORS, 'STORE_MISMATCH'],
    handler: async ({ query, principal, res }) => {
      const report = await reports.redemption({ ...query, storeId: storeScopeOf(principal, query.storeId) });
      return streamCsv(res, `redemption-${query.from}-${query.to}.csv`, redemptionCsv(report));
    },
  });

  api.route({
    method: 'get',
    path: '/reports/exports/members.csv',
    operationId: 'exportMembers',
    summary: 'Every member (card number, contact, consents, points) as CSV, streamed (admins: personal data)',
    tags: ['Reports'],
    access: { staff: ADMINS },
    response: csvResponse,
    handler: async ({ res }) => streamCsv(res, 'members.csv', deps.exports.members()),
  });

  api.route({
    method: 'get',
    path: '/reports/exports/purchases.csv',
    operationId: 'exportPurchases',
    summary:
      'Every purchase (one store’s with storeId) as CSV, gift certificates sold apart from goods, streamed',
    tags: ['Reports'],
    access,
    query: z.object({ storeId: ObjectIdString.optional() }),
    response: csvResponse,
    errors: ['STORE_MISMATCH'],
    handler: async ({ query, principal, res }) =>
      streamCsv(res, 'purchases.csv', deps.exports.purchases(storeScopeOf(principal, query.storeId))),
  });

  api.route({
    method: 'get',
    path: '/reports/exports/ledger-entries.csv',
    operationId: 'exportLedgerEntries',
    summary: 'Every points ledger entry as CSV, oldest first, streamed (admins)',
    tags: ['Reports'],
    access: { staff: ADMINS },
    response: csvResponse,
    handler: async ({ res }) => streamCsv(res, 'ledger-entries.csv', deps.exports.ledgerEntries()),
  });
}
