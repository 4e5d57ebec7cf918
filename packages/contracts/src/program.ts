import { z } from './zod.js';
import { CurrencyCode } from './common.js';

export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Europe/Madrid');

/** A page a person opens from the card: an absolute http(s) URL. */
export const LegalUrl = z
  .string()
  .trim()
  .max(500)
  .url()
  .refine((url) => /^https?:\/\//i.test(url), 'expected an http or https URL');

export const NegativeBalancePolicy = z.enum(['allow', 'floor_at_zero']).openapi('NegativeBalancePolicy');

export const ProgramSettings = z
  .object({
    name: z.string(),
    currency: CurrencyCode,
    timeZone: z.string(),
    /** ISO 3166 country whose numbering plan reads phone numbers typed without a country code. */
    defaultCountry: z.string(),
    pointValueMinor: z.number().int(),
    pendingDays: z.number().int(),
    expiryMonths: z.number().int(),
    negativeBalancePolicy: NegativeBalancePolicy,
    /** Minutes an open checkout keeps its holds after its last change (default 15). */
    checkoutTtlMinutes: z.number().int(),
    /** Months a gift certificate stays usable after issue (0: it never expires, the default). */
    giftCertificateExpiryMonths: z.number().int(),
    /** The most a reload may take a gift certificate's balance to, in minor units. */
    giftCertificateReloadCapMinor: z.number().int(),
    /** The program's terms and privacy notice, linked from the card's sign-up (null: none published). */
    termsUrl: z.string().nullable(),
    privacyUrl: z.string().nullable(),
    updatedAt: z.string().datetime({ offset: true }),
  })
  .openapi('ProgramSettings');
export type ProgramSettings = z.infer<typeof ProgramSettings>;

export const UpdateProgramBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    currency: CurrencyCode,
    timeZone: TimeZone,
    pointValueMinor: z.number().int().min(1).max(100_000),
    pendingDays: z.number().int().min(0).max(365),
    expiryMonths: z.number().int().min(0).max(120),
    negativeBalancePolicy: NegativeBalancePolicy,
    checkoutTtlMinutes: z.number().int().min(1).max(1440),
    giftCertificateExpiryMonths: z.number().int().min(0).max(120),
    giftCertificateReloadCapMinor: z.number().int().min(1).max(10_000_000),
    termsUrl: LegalUrl.nullable(),
    privacyUrl: LegalUrl.nullable(),
  })
  .partial()
  .strict()
  .openapi('UpdateProgramBody');
export type UpdateProgramBody = z.infer<typeof UpdateProgramBody>;

/** `GET /api/v1/program/sign-up`: what the card's sign-up shows before anyone is signed in. */
export const ProgramSignUpInfo = z
  .object({ name: z.string(), termsUrl: z.string().nullable(), privacyUrl: z.string().nullable() })
  .openapi('ProgramSignUpInfo');
export type ProgramSignUpInfo = z.infer<typeof ProgramSignUpInfo>;

export const StoreAddress = z
  .object({
    line1: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
    country: z.string().length(2).optional(),
  })
  .strict()
  .openapi('StoreAddress');

export const CreateStoreBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{2,20}$/, 'use 2-20 letters, digits, - or _'),
    timeZone: TimeZone.optional(),
    address: StoreAddress.optional(),
    isActive: z.boolean().default(true),
  })
  .strict()
  .openapi('CreateStoreBody');
export type CreateStoreBody = z.infer<typeof CreateStoreBody>;

export const UpdateStoreBody = CreateStoreBody.partial().strict().openapi('UpdateStoreBody');
export type UpdateStoreBody = z.infer<typeof UpdateStoreBody>;

export const Store = z
  .object({
    id: z.string(),
    name: z.string(),
    code: z.string(),
    timeZone: z.string(),
    address: StoreAddress.nullable(),
    isActive: z.boolean(),
  })
  .openapi('Store');
export type Store = z.infer<typeof Store>;

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    mongo: z.enum(['ok', 'down']),
    redis: z.enum(['ok', 'down']),
  })
  .openapi('HealthResponse');
