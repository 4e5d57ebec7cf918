import { z } from './zod.js';
import { ObjectIdString } from './common.js';

export const STAFF_ROLES = ['admin', 'manager', 'marketer', 'cashier'] as const;
export const StaffRole = z.enum(STAFF_ROLES).openapi('StaffRole');
export type StaffRole = z.infer<typeof StaffRole>;

/** What an API key may do; each integration gets only the scopes it needs. */
export const API_SCOPES = [
  'members:read',
  'members:write',
  'purchases:read',
  'purchases:write',
  'refunds:write',
  'rewards:read',
  'redemptions:write',
  'checkouts:write',
  'coupons:read',
  'coupons:write',
  'rules:read',
  'events:read',
  'webhooks:write',
  'giftCertificates:read',
  'giftCertificates:write',
] as const;
export const ApiScope = z.enum(API_SCOPES).openapi('ApiScope');
export type ApiScope = z.infer<typeof ApiScope>;

export const StaffLoginBody = z
  .object({ email: z.string().trim().email().max(254), password: z.string().min(1).max(200) })
  .strict()
  .openapi('StaffLoginBody');
export type StaffLoginBody = z.infer<typeof StaffLoginBody>;

export const StaffSummary = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: StaffRole,
    storeId: z.string().nullable(),
  })
  .openapi('StaffSummary');
export type StaffSummary = z.infer<typeof StaffSummary>;

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int(),
  })
  .openapi('TokenPair');

export const StaffLoginResponse = TokenPair.extend({ staff: StaffSummary }).openapi('StaffLoginResponse');
export type StaffLoginResponse = z.infer<typeof StaffLoginResponse>;

export const RefreshBody = z
  .object({ refreshToken: z.string().min(10).max(200) })
  .strict()
  .openapi('RefreshBody');
export type RefreshBody = z.infer<typeof RefreshBody>;

export const LogoutBody = RefreshBody.openapi('LogoutBody');

export const PhoneNumber = z.string().trim().min(5).max(32);

export const OtpRequestBody = z.object({ phone: PhoneNumber }).strict().openapi('OtpRequestBody');
export type OtpRequestBody = z.infer<typeof OtpRequestBody>;

export const OtpRequestResponse = z
  .object({
    sent: z.literal(true),
    phone: z.string(),
    expiresAt: z.string().datetime({ offset: true }),
    devCode: z.string().optional(),
  })
  .openapi('OtpRequestResponse');
export type OtpRequestResponse = z.infer<typeof OtpRequestResponse>;

export const MemberConsents = z
  .object({
    email: z.boolean().default(false),
    sms: z.boolean().default(false),
    push: z.boolean().default(false),
  })
  .strict()
  .openapi('MemberConsents');
export type MemberConsents = z.infer<typeof MemberConsents>;

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** Sign-up details, required when the phone is not registered yet. */
export const MemberSignup = z
  .object({
    name: z.string().trim().min(1).max(120),
    email: z.string().trim().email().max(254).optional(),
    birthDate: IsoDate.optional(),
    consents: MemberConsents.optional(),
  })
  .strict()
  .openapi('MemberSignup');
export type MemberSignup = z.infer<typeof MemberSignup>;

export const OtpVerifyBody = z
  .object({
    phone: PhoneNumber,
    code: z.string().regex(/^\d{6}$/, 'expected the 6-digit code'),
    signup: MemberSignup.optional(),
  })
  .strict()
  .openapi('OtpVerifyBody');
export type OtpVerifyBody = z.infer<typeof OtpVerifyBody>;

export const MemberSessionResponse = TokenPair.extend({
  member: z.object({ id: ObjectIdString, name: z.string(), phone: z.string(), cardNumber: z.string() }),
  isNewMember: z.boolean(),
}).openapi('MemberSessionResponse');
export type MemberSessionResponse = z.infer<typeof MemberSessionResponse>;

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    scopes: z.array(ApiScope).min(1),
    storeId: ObjectIdString.optional(),
  })
  .strict()
  .openapi('CreateApiKeyBody');
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeySummary = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(ApiScope),
    storeId: z.string().nullable(),
    createdAt: z.string().datetime({ offset: true }),
    lastUsedAt: z.string().datetime({ offset: true }).nullable(),
    revokedAt: z.string().datetime({ offset: true }).nullable(),
  })
  .openapi('ApiKeySummary');
export type ApiKeySummary = z.infer<typeof ApiKeySummary>;

export const CreatedApiKey = ApiKeySummary.extend({ key: z.string() }).openapi('CreatedApiKey');

/**
 * A staff password: bcrypt reads only its first 72 bytes, so a longer one is refused rather than
 * silently cut (anyone knowing the first 72 bytes could sign in).
 */
export const StaffPassword = z
  .string()
  .min(8, 'use at least 8 characters')
  .refine((password) => new TextEncoder().encode(password).length <= 72, {
    message: 'use at most 72 bytes (UTF-8): 72 plain letters and digits, fewer with accents or symbols',
  })
  .describe('8 characters to 72 bytes in UTF-8');

export const CreateStaffBody = z
  .object({
    email: z.string().trim().email().max(254),
    name: z.string().trim().min(1).max(120),
    password: StaffPassword,
    role: StaffRole,
    storeId: ObjectIdString.nullable().optional(),
  })
  .strict()
  .openapi('CreateStaffBody');
export type CreateStaffBody = z.infer<typeof CreateStaffBody>;

export const UpdateStaffBody = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    password: StaffPassword.optional(),
    role: StaffRole.optional(),
    storeId: ObjectIdString.nullable().optional(),
    isActive: z.boolean().optional(),
  })
  .strict()
  .openapi('UpdateStaffBody');
export type UpdateStaffBody = z.infer<typeof UpdateStaffBody>;

/** `GET /auth/me`: who the credential of the request is. */
export const CurrentPrincipal = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('staff'), staff: StaffSummary }),
    z.object({
      kind: z.literal('member'),
      member: z.object({
        id: ObjectIdString,
        name: z.string(),
        phone: z.string(),
        cardNumber: z.string(),
      }),
    }),
    z.object({
      kind: z.literal('apiKey'),
      apiKey: z.object({
        id: ObjectIdString,
        name: z.string(),
        scopes: z.array(ApiScope),
        storeId: ObjectIdString.nullable(),
      }),
    }),
  ])
  .openapi('CurrentPrincipal');
export type CurrentPrincipal = z.infer<typeof CurrentPrincipal>;

/** One line of the audit log: who did what to which record, with the record before and after. */
export const AuditEntry = z
  .object({
    id: ObjectIdString,
    at: z.string().datetime({ offset: true }),
    actor: z.object({ kind: z.string(), id: z.string().nullable(), label: z.string().nullable() }),
    action: z.string(),
    entity: z.object({ type: z.string(), id: z.string().nullable() }),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
  })
  .openapi('AuditEntry');
export type AuditEntry = z.infer<typeof AuditEntry>;
