import { Types, type ClientSession } from 'mongoose';
import type {
  CheckoutInstrumentPort,
  HoldContext,
  HoldRequest,
  InstrumentTerms,
  WalletCandidate,
} from '../checkouts/instrument-port.js';
import { ConflictError } from '../../platform/errors.js';
import { AppError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import { RetryTransaction } from '../ledger/transaction.js';
import {
  GiftCertificateEntryModel,
  GiftCertificateHoldModel,
  GiftCertificateModel,
  type GiftCertificateActor,
  type GiftCertificateDoc,
  type GiftCertificateHoldDoc,
} from './gift-certificate.model.js';
import {
  assertUsable,
  certificateNotFound,
  isPastExpiry,
  type GiftCertificateService,
} from './gift-certificate.service.js';

/** A hold remembers who took it, for the redeem entry its commit writes. */
type HoldWithActor = GiftCertificateHoldDoc & { actor: GiftCertificateActor };

/**
 * A gift certificate as a checkout tender. A hold is a conditional `$inc` of the certificate
 * (`availableMinor >= n`: two tills can never take the same euro) plus a hold row; release gives it back;
 * commit debits the balance with a `redeem` entry naming the purchase. Not an entry while held: the
 * balance is the sum of committed entries, and `heldMinor` the sum of the open holds.
 */
export class GiftCertificateInstrument implements CheckoutInstrumentPort {
  readonly type = 'giftCertificate' as const;
  /** A member whose wallet never held a certificate is not asked for one at the till. */
  readonly walletKind = 'giftCertificates' as const;

  constructor(private readonly certificates: GiftCertificateService) {}

  async holdInSession(
    session: ClientSession,
    request: HoldRequest,
    context: HoldContext,
  ): Promise<InstrumentTerms> {
    const certificate = await this.resolve(session, request, context);
    const { now } = context;
    assertUsable(certificate, now);
    if (certificate.currency !== context.checkout.currency) {
      throw new AppError(
        'unprocessable',
        'GIFT_CERTIFICATE_CURRENCY',
        `Gift certificate ····${certificate.last4} is in ${certificate.currency}; this sale is in ${context.checkout.currency}`,
        { certificateCurrency: certificate.currency, currency: context.checkout.currency },
      );
    }
    if (certificate.balanceMinor <= 0)
      throw new ConflictError('GIFT_CERTIFICATE_EMPTY', `Gift certificate ····${certificate.last4} is empty`);
    const checkoutId = context.checkout._id.toHexString();
    const existing = await GiftCertificateHoldModel.exists({
      certificateId: certificate._id,
      checkoutId,
    }).session(session);
    if (existing)
      throw new ConflictError(
        'GIFT_CERTIFICATE_ALREADY_APPLIED',
        `Gift certificate ····${certificate.last4} is already applied to this checkout`,
      );
    if (context.leftToPayMinor <= 0)
      throw new ConflictError('GIFT_CERTIFICATE_NOTHING_TO_PAY', 'Nothing is left to pay in this checkout');
    const requested = request.amountMinor;
    if (requested !== null && requested > certificate.availableMinor)
      throw insufficient(certificate, requested);
    const amount = Math.min(requested ?? certificate.availableMinor, context.leftToPayMinor);
    if (amount <= 0) throw insufficient(certificate, requested ?? context.leftToPayMinor);
    const held = await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).findOneAndUpdate(
      { _id: certificate._id, status: 'active', availableMinor: { $gte: amount } },
      { $inc: { availableMinor: -amount, heldMinor: amount }, $set: { updatedAt: now } },
      { returnDocument: 'after', session },
    );
    // The certificate changed since it was read in this transaction: read it again from the start.
    if (!held) throw new RetryTransaction('gift certificate held concurrently');
    const hold: HoldWithActor = {
      _id: new Types.ObjectId(),
      certificateId: certificate._id,
      checkoutId,
      amountMinor: amount,
      heldAt: now,
      actor: context.actor ?? { kind: 'system', id: null, label: null },
    };
    await nativeCollection<HoldWithActor>(GiftCertificateHoldModel).insertOne(hold, { session });
    return termsOf(certificate, amount);
  }

  /**
   * The certificates the member claimed into their wallet that the till can take from now (active, not
   * past expiry, something available), soonest expiry first: offered at the checkout, so the cashier taps
   * one instead of scanning it.
   */
  async walletCandidates(memberId: Types.ObjectId, now: Date): Promise<WalletCandidate[]> {
    const docs = await GiftCertificateModel.find({ memberId, status: 'active', availableMinor: { $gt: 0 } })
      .sort({ _id: -1 })
      .limit(20)
      .lean();
    return docs
      .filter((doc) => !isPastExpiry(doc, now))
      .sort(
        (a, b) =>
          (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) -
          (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY),
      )
      .map((doc) => ({
        ...termsOf(doc, doc.availableMinor),
        expiresAt: doc.expiresAt,
        storedValue: { last4: doc.last4, availableMinor: doc.availableMinor, currency: doc.currency },
      }));
  }

  /**
   * The certificate named by the typed or scanned code, or picked from the member's own wallet by its id:
   * an id of no certificate, of another member's, or given with no member at the checkout answers exactly
   * as a code that names nothing.
   */
  private async resolve(
    session: ClientSession,
    request: HoldRequest,
    context: HoldContext,
  ): Promise<GiftCertificateDoc> {
    if (request.code !== null)
      return this.certificates.findByCode(
        request.code,
        { principal: context.principal, ip: context.clientIp ?? null },
        session,
      );
    const doc = request.refId
      ? await GiftCertificateModel.findById(request.refId).session(session).lean()
      : null;
    if (!doc || !context.memberId || !doc.memberId?.equals(context.memberId)) throw certificateNotFound();
    return doc;
  }

  async releaseInSession(
    session: ClientSession,
    input: {
      refId: Types.ObjectId;
      checkoutId: Types.ObjectId;
      actor: HoldContext['actor'];
      now: Date;
      reason: string;
    },
  ): Promise<void> {
    const hold = await nativeCollection<HoldWithActor>(GiftCertificateHoldModel).findOneAndDelete(
      { certificateId: input.refId, checkoutId: input.checkoutId.toHexString() },
      { session },
    );
    if (!hold) return;
    await GiftCertificateModel.updateOne(
      { _id: input.refId },
      {
        $inc: { availableMinor: hold.amountMinor, heldMinor: -hold.amountMinor },
        $set: { updatedAt: input.now },
      },
      { session },
    );
  }

  async commitInSession(
    session: ClientSession,
    input: {
      refId: Types.ObjectId;
      checkoutId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      memberId: Types.ObjectId | null;
      amountMinor: number;
      now: Date;
    },
  ): Promise<void> {
    const checkoutId = input.checkoutId.toHexString();
    const dedupeKey = `redeem:${checkoutId}:${input.refId.toHexString()}`;
    const hold = await nativeCollection<HoldWithActor>(GiftCertificateHoldModel).findOneAndDelete(
      { certificateId: input.refId, checkoutId },
      { session },
    );
    if (!hold) {
      // Committed already (a replayed completion): nothing more to do.
      if (await GiftCertificateEntryModel.exists({ dedupeKey }).session(session)) return;
      throw new Error(
        `checkout ${checkoutId} holds nothing on gift certificate ${input.refId.toHexString()}`,
      );
    }
    if (input.amountMinor < 0 || input.amountMinor > hold.amountMinor)
      throw new Error(
        `checkout ${checkoutId} commits ${input.amountMinor} of a hold of ${hold.amountMinor} on gift certificate ${input.refId.toHexString()}`,
      );
    // What the sale did not take of the hold goes back to the available balance.
    const after = await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).findOneAndUpdate(
      { _id: input.refId, heldMinor: { $gte: hold.amountMinor } },
      {
        $inc: {
          heldMinor: -hold.amountMinor,
          balanceMinor: -input.amountMinor,
          availableMinor: hold.amountMinor - input.amountMinor,
        },
        $set: { updatedAt: input.now },
      },
      { returnDocument: 'after', session },
    );
    if (!after) throw new Error(`gift certificate ${input.refId.toHexString()} lost its hold`);
    if (input.amountMinor === 0) return;
    await this.certificates.writeEntry(session, after, {
      type: 'redeem',
      amountMinor: -input.amountMinor,
      reason: `Paid checkout ${checkoutId}`,
      actor: hold.actor,
      purchaseId: input.purchaseId,
      checkoutId,
      dedupeKey,
      now: input.now,
    });
    await this.certificates.appendEvent(session, 'gift_certificate.redeemed', after, input.now, {
      amountMinor: input.amountMinor,
      balanceMinor: after.balanceMinor,
      purchaseId: input.purchaseId.toHexString(),
      checkoutId,
    });
  }
}

function insufficient(certificate: GiftCertificateDoc, requested: number): ConflictError {
  return new ConflictError(
    'GIFT_CERTIFICATE_INSUFFICIENT_BALANCE',
    `Gift certificate ····${certificate.last4} has ${certificate.availableMinor} available (${certificate.heldMinor} held by open checkouts); ${requested} was asked`,
    { availableMinor: certificate.availableMinor, requestedMinor: requested },
  );
}

/** What the checkout's pricing takes for a certificate: a tender of up to `amountMinor`. */
function termsOf(certificate: GiftCertificateDoc, amountMinor: number): InstrumentTerms {
  return {
    refId: certificate._id,
    label: `Gift certificate ····${certificate.last4}`,
    kind: 'stored_value',
    valueMinor: amountMinor,
    percent: null,
    sku: null,
    appliesTo: null,
    minBasketMinor: null,
    stacking: null,
  };
}
