// What the card keeps on the phone so that it opens (and shows a valid QR code) without a network:
// the member, the card secret, the last balance, history and rewards seen, with when they were seen.
import type {
  Coupon,
  LedgerEntry,
  MemberDetail,
  MemberWallet,
  Page,
  ProgramSettings,
  Reward,
} from '@regulars/contracts';

export type CachedCard = {
  memberId: string;
  name: string;
  phone: string;
  cardNumber: string;
  /** Base32 TOTP secret; absent until the card has been fetched once online. */
  cardSecret: string | null;
  member: MemberDetail | null;
  /** What the member holds (rewards in reach, stamp cards…); absent in a card saved by an older version. */
  wallet: MemberWallet | null;
  /** The member's coupons with their terms and QR payloads (so that they show at the till offline too). */
  coupons: CardCoupons | null;
  program: Pick<ProgramSettings, 'name' | 'currency'> | null;
  /** The newest ledger entries (the first page); absent until fetched once, or in an older card. */
  history: Page<LedgerEntry> | null;
  /** The rewards available now, as the Rewards tab lists them. */
  rewards: Reward[] | null;
  savedAt: string | null;
};

/** Coupons still to use (now or later), and the latest ones used, expired or withdrawn. */
export type CardCoupons = { usable: Coupon[]; past: Coupon[] };

const KEY = 'regulars.card.cache';

export function readCachedCard(): CachedCard | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<CachedCard>;
    if (typeof parsed.memberId !== 'string' || typeof parsed.cardNumber !== 'string') return null;
    return {
      memberId: parsed.memberId,
      name: parsed.name ?? '',
      phone: parsed.phone ?? '',
      cardNumber: parsed.cardNumber,
      cardSecret: parsed.cardSecret ?? null,
      member: parsed.member ?? null,
      wallet: parsed.wallet ?? null,
      coupons: parsed.coupons ?? null,
      program: parsed.program ?? null,
      history: parsed.history ?? null,
      rewards: parsed.rewards ?? null,
      savedAt: parsed.savedAt ?? null,
    };
  } catch {
    return null;
  }
}

export function writeCachedCard(card: CachedCard | null): void {
  if (card) localStorage.setItem(KEY, JSON.stringify(card));
  else localStorage.removeItem(KEY);
}

/** A card that has not been fetched yet: what the sign-in answer says of the member. */
export function newCachedCard(member: {
  id: string;
  name: string;
  phone: string;
  cardNumber: string;
}): CachedCard {
  return {
    memberId: member.id,
    name: member.name,
    phone: member.phone,
    cardNumber: member.cardNumber,
    cardSecret: null,
    member: null,
    wallet: null,
    coupons: null,
    program: null,
    history: null,
    rewards: null,
    savedAt: null,
  };
}
