import { CatalogTerms, CatalogTermsQuery } from '@regulars/contracts';
import type { Api } from '../../platform/http.js';
import { ALL_STAFF } from '../../platform/principal.js';
import type { CatalogTermsService } from './catalog-terms.service.js';

/** What purchases have used, read by the rules designer's category and SKU pickers. */
export function registerCatalogRoutes(api: Api, deps: { catalogTerms: CatalogTermsService }): void {
  api.route({
    method: 'get',
    path: '/catalog/terms',
    operationId: 'listCatalogTerms',
    summary: 'The categories or SKUs recent purchases used, normalised as rules match them (lower case)',
    tags: ['Purchases'],
    access: { staff: ALL_STAFF },
    query: CatalogTermsQuery,
    response: { schema: CatalogTerms },
    handler: ({ query }) => deps.catalogTerms.terms(query),
  });
}
