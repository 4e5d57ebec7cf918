import type { ClientSession, Types } from 'mongoose';
import type { Principal } from '../../platform/principal.js';
import type { EntryActor } from '../ledger/ledger.service.js';
import type { WalletKind } from '../members/wallet-kinds.js';
import type { Checkout } from './checkout.model.js';

/** The instruments other modules lend to a checkout through a port: a coupon and a gift certificate. */
export type PortInstrumentType = 'coupon' | 'giftCertificate';

/** Which lines a discount may touch (null: every line). */
export type AppliesTo = { skus: string[]; categories: string[] };

/**
 * How a coupon may be combined: `withCoupons` (other coupons in the same sale), `withRewards` (rewards
 * and stamp rewards). Both false: exclusive. Tenders (points, gift certificates) always combine.
 */
export type Stacking = { withCoupons: boolean; withRewards: boolean };

/** What a held instrument does to the basket, as the port tells the checkout (and the pricing sees it). */
export type InstrumentTerms = {
  /** The coupon's or the certificate's id. */
  refId: Types.ObjectId;
  /** What the receipt and the till print: "10% off coffee", "Gift certificate ····K7QM". */
  label: string;
  /** A discount, or `stored_value`: a tender (taken after every discount, like points). */
  kind: 'fixed_discount' | 'percent_discount' | 'free_product' | 'stored_value';
  /** fixed_discount: the discount; stored_value: the amount held on the certificate. */
  valueMinor: number | null;
  percent: number | null;
  /** free_product: the SKU given free. */
  sku: string | null;
  /** Discounts only: the lines it applies to (null: the whole basket). */
  appliesTo: AppliesTo | null;
  /** Discounts only: what the basket must still cost after the other discounts (null: no minimum). */
  minBasketMinor: number | null;
  /** Coupons only (null for a certificate). */
  stacking: Stacking | null;
};

/** The request to hold: a code typed or scanned (the QR payload), or a coupon picked from the member's wallet. */
export type HoldRequest = {
  /** The code as typed (any case, spaces, hyphens) or the scanned QR payload; null with `refId`. */
  code: string | null;
  /** A coupon or gift certificate in the member's wallet, picked from the offers; null with `code`. */
  refId: Types.ObjectId | null;
  /** stored_value: the amount asked for (null: as much as the certificate and the basket allow). */
  amountMinor: number | null;
  /**
   * false: a code that names nothing is not counted as a wrong code by this port, because the caller
   * tries it with another port next (a code the till did not classify) and that one counts it. The limit
   * is still checked before the look-up. Default true.
   */
  countsMiss?: boolean;
};

export type HoldContext = {
  checkout: Checkout;
  /** The member at the till (null: an anonymous sale). */
  memberId: Types.ObjectId | null;
  principal: Principal;
  actor: EntryActor;
  now: Date;
  /** What is left to pay once the discounts are taken (for a tender: the most it can take). */
  leftToPayMinor: number;
  /** The caller's address (`req.ip`): wrong codes are rate-limited per credential and per address. */
  clientIp?: string | null;
};

/** Something from the member's wallet that could apply to this basket: an assigned coupon or a claimed gift certificate. */
export type WalletCandidate = InstrumentTerms & {
  expiresAt: Date | null;
  /** A gift certificate's (kind `stored_value`): what the till shows of it ("····7KQ2, €18.50 left"). */
  storedValue?: { last4: string; availableMinor: number; currency: string };
};

/**
 * A module's instrument at the till. Every method runs inside the checkout's transaction (the session),
 * so that a hold, its release and its commit are exact: two tills cannot both take the last use of a
 * coupon or the same euro of a certificate. A hold that cannot be taken throws an AppError with the
 * precise code (COUPON_EXPIRED, MIN_BASKET_NOT_MET, GIFT_CERTIFICATE_BLOCKED, …) and writes nothing.
 */
export interface CheckoutInstrumentPort {
  readonly type: PortInstrumentType;
  /** Validates the request for this checkout and holds it (a use, or an amount of stored value). */
  holdInSession(session: ClientSession, request: HoldRequest, context: HoldContext): Promise<InstrumentTerms>;
  /** Gives a hold back (removed from the sale, dropped by a basket change, cancel, expiry). Idempotent. */
  releaseInSession(
    session: ClientSession,
    input: {
      refId: Types.ObjectId;
      checkoutId: Types.ObjectId;
      actor: EntryActor;
      now: Date;
      reason: string;
    },
  ): Promise<void>;
  /** Turns the hold into a use (or a debit) of the completed purchase; `amountMinor` is what it took off. */
  commitInSession(
    session: ClientSession,
    input: {
      refId: Types.ObjectId;
      checkoutId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      memberId: Types.ObjectId | null;
      amountMinor: number;
      now: Date;
    },
  ): Promise<void>;
  /** What the member's wallet holds that could apply now (offers at the till); optional. */
  walletCandidates?(memberId: Types.ObjectId, now: Date): Promise<WalletCandidate[]>;
  /** The wallet mark (`members/wallet-kinds.ts`) without which the member has no candidates to read. */
  readonly walletKind?: WalletKind;
}

/** The member-pricing sources: the tier discount today; a paid club's prices will be a second one. */
export type MemberPricingType = 'tierDiscount';

/** A price a member gets by who they are (no hold: nothing is spent), as its source describes it. */
export type MemberPrice = {
  /** What the till and the receipt print ("Gold: 10% off"). */
  label: string;
  percent: number;
  /** The lines it applies to (null: the whole basket). */
  appliesTo: AppliesTo | null;
};

/**
 * A module that gives members prices of their own (the discount card). The checkout asks every source
 * when it opens with a member and applies what they give as discounts, before the other discounts.
 * There is nothing to hold, commit or release: the discount is recorded with the purchase's lines.
 */
export interface MemberPricingSource {
  readonly type: MemberPricingType;
  pricesFor(memberId: Types.ObjectId, now: Date): Promise<MemberPrice[]>;
}

/** A gift certificate a sale issued, with its code: shown to the completion's first answer only. */
export type SoldCertificate = {
  id: Types.ObjectId;
  last4: string;
  valueMinor: number;
  currency: string;
  expiresAt: Date | null;
  code: string;
  displayCode: string;
  qrPayload: string;
};

/**
 * What the gift certificates module does for a sale at the till (a basket line of kind `giftCertificate`):
 * issues `count` bearer certificates of one value in the completion's transaction, each with its `issue`
 * entry (actor, reason, the purchase and the checkout) and its event.
 */
export interface GiftCertificateSalePort {
  sellInSession(
    session: ClientSession,
    input: {
      valueMinor: number;
      count: number;
      currency: string;
      purchaseId: Types.ObjectId;
      checkoutId: Types.ObjectId;
      actor: EntryActor;
      now: Date;
    },
  ): Promise<SoldCertificate[]>;
}
