export {
  createRegularsClient,
  type AuthHooks,
  type RegularsClient,
  type RegularsClientOptions,
  type RegularsMethod,
  type RegularsPaths,
  type RegularsRawClient,
  type SuccessData,
} from './client.js';
export { RegularsApiError, RegularsNetworkError } from './errors.js';
export { newIdempotencyKey } from './idempotency-key.js';
export type { RetryOptions } from './retry.js';
export type { paths, webhooks, components, operations } from './schema.js';
