// What the Reports dashboard asks the server, typed by the OpenAPI document.
import type { ReportGranularity } from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

export type ReportFilters = {
  from: string;
  to: string;
  storeId: string | null;
  granularity: ReportGranularity;
};

const rangeQuery = (f: ReportFilters) => ({
  from: f.from,
  to: f.to,
  granularity: f.granularity,
  ...(f.storeId ? { storeId: f.storeId } : {}),
});

export type ReportExport = 'kpis' | 'cohorts' | 'liability' | 'redemption';

export const reportsApi = {
  kpis: (f: ReportFilters) => staffClient.GET('/api/v1/reports/kpis', { params: { query: rangeQuery(f) } }),
  cohorts: (f: ReportFilters) =>
    staffClient.GET('/api/v1/reports/cohorts', { params: { query: { from: f.from, to: f.to } } }),
  liability: () => staffClient.GET('/api/v1/reports/liability'),
  /** A report as a CSV file (the bearer token is sent, so it is fetched rather than linked). */
  csv: async (report: ReportExport, f: ReportFilters): Promise<Blob> => {
    const blob: unknown =
      report === 'kpis'
        ? await staffClient.GET('/api/v1/reports/kpis.csv', {
            params: { query: rangeQuery(f) },
            parseAs: 'blob',
          })
        : report === 'cohorts'
          ? await staffClient.GET('/api/v1/reports/cohorts.csv', {
              params: { query: { from: f.from, to: f.to } },
              parseAs: 'blob',
            })
          : report === 'liability'
            ? await staffClient.GET('/api/v1/reports/liability.csv', { parseAs: 'blob' })
            : await staffClient.GET('/api/v1/reports/redemption.csv', {
                params: { query: rangeQuery(f) },
                parseAs: 'blob',
              });
    // `parseAs: 'blob'` answers a Blob; the generated type still names the document's body schema.
    return blob as Blob;
  },
};
