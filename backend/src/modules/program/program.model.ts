import mongoose, { Schema } from 'mongoose';

/** The merchant's loyalty program: one document, `_id: 'program'`. */
export type Program = {
  _id: string;
  name: string;
  currency: string;
  timeZone: string;
  /** ISO 3166 country used to read phone numbers typed without an international prefix. */
  defaultCountry: string;
  pointValueMinor: number;
  pendingDays: number;
  expiryMonths: number;
  negativeBalancePolicy: 'allow' | 'floor_at_zero';
  /** How long an open checkout holds points and rewards after its last change. */
  checkoutTtlMinutes: number;
  /** Months a gift certificate stays usable after issue; 0: it never expires. */
  giftCertificateExpiryMonths: number;
  /** The most a reload may take one gift certificate's balance to (minor units). */
  giftCertificateReloadCapMinor: number;
  /** The terms and the privacy notice the card links to at sign-up (null: none). */
  termsUrl: string | null;
  privacyUrl: string | null;
  updatedAt: Date;
};

export const PROGRAM_ID = 'program';

export const PROGRAM_DEFAULTS: Omit<Program, '_id' | 'updatedAt'> = {
  name: 'Regulars',
  currency: 'EUR',
  timeZone: 'Europe/Madrid',
  defaultCountry: 'ES',
  pointValueMinor: 1,
  pendingDays: 0,
  expiryMonths: 12,
  negativeBalancePolicy: 'allow',
  checkoutTtlMinutes: 15,
  giftCertificateExpiryMonths: 0,
  giftCertificateReloadCapMinor: 50_000,
  termsUrl: null,
  privacyUrl: null,
};

const programSchema = new Schema<Program>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    currency: { type: String, required: true },
    timeZone: { type: String, required: true },
    defaultCountry: { type: String, required: true },
    pointValueMinor: { type: Number, required: true },
    pendingDays: { type: Number, required: true },
    expiryMonths: { type: Number, required: true },
    negativeBalancePolicy: { type: String, enum: ['allow', 'floor_at_zero'], required: true },
    checkoutTtlMinutes: { type: Number, default: PROGRAM_DEFAULTS.checkoutTtlMinutes },
    giftCertificateExpiryMonths: {
      type: Number,
      default: PROGRAM_DEFAULTS.giftCertificateExpiryMonths,
    },
    giftCertificateReloadCapMinor: {
      type: Number,
      default: PROGRAM_DEFAULTS.giftCertificateReloadCapMinor,
    },
    termsUrl: { type: String, default: null },
    privacyUrl: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'program', versionKey: false },
);

export const ProgramModel = mongoose.model<Program>('Program', programSchema);
