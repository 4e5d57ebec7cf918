// A till's whole sale through @regulars/client: identify the member from the scanned card, record the
// purchase, redeem a reward, refund. Typed end to end by the generated paths, with no casts.
// Run against `npm start` (after `source .data/demo.env`):
//   CARD_CODE="$(npm run -s card-code)" node --conditions=source --import tsx packages/client/examples/pos.ts
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegularsClient, RegularsApiError } from '@regulars/client';

export type TillSale = {
  baseUrl: string;
  apiKey: string;
  storeId: string;
  rewardId: string;
  /** What the scanner read: the card's QR payload, a typed card number or a phone number. */
  scanned: string;
  /** The till's receipt number: the purchase's externalId. */
  receipt: string;
  fetch?: (request: Request) => Promise<Response>;
};

/** Sells a breakfast to the scanned member, redeems a reward if they can afford it, then refunds one coffee. */
export async function sellAtTheTill(sale: TillSale) {
  const regulars = createRegularsClient({ baseUrl: sale.baseUrl, apiKey: sale.apiKey, fetch: sale.fetch });

  const { member } = await regulars.POST('/api/v1/members/identify', { body: { code: sale.scanned } });

  // Every write gets an Idempotency-Key of its own, reused by the client's retries; a till that retries
  // itself later (after a restart) passes its own stable key instead, as here.
  const purchase = await regulars.POST('/api/v1/purchases', {
    headers: { 'Idempotency-Key': `sale-${sale.receipt}` },
    body: {
      memberId: member.id,
      storeId: sale.storeId,
      externalId: sale.receipt,
      currency: 'EUR',
      totalMinor: 4450,
      items: [
        { sku: 'LATTE', name: 'Caffè latte', category: 'coffee', quantity: 2, unitPriceMinor: 325 },
        { sku: 'CAKE', name: 'Carrot cake', category: 'bakery', quantity: 1, unitPriceMinor: 1800 },
        { sku: 'SANDWICH', name: 'Club sandwich', category: 'food', quantity: 1, unitPriceMinor: 2000 },
      ],
    },
  });

  let redemption: { id: string; pointsSpent: number } | null = null;
  try {
    redemption = await regulars.POST('/api/v1/redemptions', {
      body: { memberId: member.id, rewardId: sale.rewardId, storeId: sale.storeId },
    });
  } catch (error) {
    // The one error shape: branch on the stable code, show the message to the cashier.
    if (!(error instanceof RegularsApiError) || error.code !== 'INSUFFICIENT_POINTS') throw error;
  }

  const refund = await regulars.POST('/api/v1/purchases/{id}/refunds', {
    params: { path: { id: purchase.id } },
    body: { items: [{ sku: 'LATTE', quantity: 1 }], reason: 'Spilt coffee' },
  });

  const after = await regulars.GET('/api/v1/members/{id}', { params: { path: { id: member.id } } });
  return {
    memberName: member.name,
    purchaseId: purchase.id,
    pointsEarned: purchase.pointsEarned,
    pointsSpent: redemption?.pointsSpent ?? 0,
    refundedMinor: refund.amountMinor,
    pointsReversed: refund.pointsReversed,
    balance: after.balance,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run \`source .data/demo.env\` first`);
    return value;
  };
  const summary = await sellAtTheTill({
    baseUrl: env('REGULARS_URL'),
    apiKey: env('API_KEY'),
    storeId: env('STORE_ID'),
    rewardId: env('REWARD_ID'),
    scanned: env('CARD_CODE'),
    receipt: `${env('RUN_ID')}-pos`,
  });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
