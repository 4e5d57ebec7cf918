import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// The generator reads metadata through `.openapi()`, which this adds to every zod schema (the contracts'
// schemas included: they share this zod instance).
extendZodWithOpenApi(z);

/** The tags of the document: every operation names one of these. */
export const API_TAGS = {
  Auth: 'Staff sign-in, member one-time codes, tokens and the current principal',
  Staff: 'Staff accounts and roles (admins)',
  'API keys': 'Keys for integrations (POS, e-commerce), scoped and optionally bound to a store',
  Program: 'The loyalty program: currency, country, time zone, earning and expiry settings',
  Stores: 'Stores (shops, cafés) where purchases happen',
  Audit: 'Who changed what, for managers',
  Rules: 'Reward rules: drafts, published versions, simulation and templates',
  Members: 'Members, their cards and identification at the till',
  Ledger: 'Points ledger entries, manual adjustments and the ledger check',
  Purchases: 'Purchases and refunds, with the points they earn and take back',
  Rewards: 'The rewards catalog',
  'Stamp cards': 'Stamp card definitions: stamps per card and the reward a full card unlocks',
  Tiers:
    'The tier ladder (versioned, with a dry-run preview), members’ tiers and what it takes to reach and keep them, manual overrides',
  'Gift certificates':
    'Stored value: issue (one or a batch), balance by code, reload, block, the member’s claim, the liability report',
  Coupons:
    'Coupon templates (versioned terms), batches of bearer codes with progress and CSV, assignment into wallets, a member’s coupons',
  Referrals:
    'Refer-a-friend: versioned terms, personal codes and share links, attribution, the review queue, households and the funnel',
  Redemptions: 'Spending points on rewards or on a purchase, and cancelling',
  Checkouts:
    'The one flow at the till: a basket, the instruments held for it (rewards, points, stamp rewards) and one idempotent completion',
  Events: 'The domain event feed for reconciliation, and the dispatcher’s progress',
  Sandbox: 'The sandbox clock of a test deployment',
  Webhooks: 'Signed deliveries of domain events to your endpoints: registration, secrets, the delivery log',
  Reports: 'KPIs, cohorts, points liability and redemption from the pre-aggregates, as JSON or CSV',
} as const;
export type ApiTag = keyof typeof API_TAGS;

/** Response headers every operation may send, referenced from each response. */
export type ResponseHeaderName =
  | 'X-Request-Id'
  | 'Idempotent-Replayed'
  | 'Retry-After'
  | 'RateLimit-Limit'
  | 'RateLimit-Remaining'
  | 'RateLimit-Reset';
type HeaderSpec = {
  description: string;
  required?: boolean;
  schema: { type: 'string' | 'integer'; enum?: string[]; minimum?: number };
};
export const RESPONSE_HEADERS: Record<ResponseHeaderName, HeaderSpec> = {
  'X-Request-Id': {
    description:
      'The id of this request (the one sent in `X-Request-Id`, or a new one): quote it in support requests',
    required: true,
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this answer is the stored answer of an earlier request with the same `Idempotency-Key`',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Limit': {
    description: 'The quota of the window closest to refusing',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in that window',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until that window starts again',
    schema: { type: 'integer', minimum: 0 },
  },
};

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A staff or member access token from /auth, or an API key (rgl_...)',
  });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
  });
  for (const [name, header] of Object.entries(RESPONSE_HEADERS))
    registry.registerComponent('headers', name, { ...header, schema: { ...header.schema } });
  return registry;
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export function generateOpenApiDocument(registry: OpenAPIRegistry, serverUrl: string): OpenApiDocument {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Regulars API',
      version: '1.0.0',
      license: { name: 'MIT', identifier: 'MIT' },
      description: [
        'Loyalty and rewards engine. All amounts are integers in minor units (cents); points are integers.',
        'Errors: `{ "error": { "code", "message", "details"? } }`; each operation lists, per status, the codes it can answer with.',
        'Lists: `?limit=50&cursor=<opaque>` → `{ items, nextCursor }` (null on the last page).',
        'Mutating integration calls take an `Idempotency-Key` header: the same key and body replay the first answer.',
      ].join('\n\n'),
    },
    servers: [{ url: serverUrl }],
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
  });
}
