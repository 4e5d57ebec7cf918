import type { ApiScope, StaffRole } from '@regulars/contracts';
import { ForbiddenError } from './errors.js';

/** Who is calling. Attached to every request by the authentication middleware. */
export type Principal =
  | { kind: 'staff'; id: string; role: StaffRole; storeId: string | null; email: string }
  | { kind: 'member'; id: string }
  | { kind: 'apiKey'; id: string; scopes: ApiScope[]; storeId: string | null; name: string }
  | { kind: 'anonymous' };

/**
 * Who may call a route. A route lists every kind of caller it accepts; anything not listed is refused.
 * `public: true` means no credentials are needed.
 */
export type Access = {
  public?: boolean;
  staff?: readonly StaffRole[];
  member?: boolean;
  apiKey?: readonly ApiScope[];
};

export const ALL_STAFF: readonly StaffRole[] = ['admin', 'manager', 'marketer', 'cashier'];
export const STORE_STAFF: readonly StaffRole[] = ['admin', 'manager', 'cashier'];
export const MANAGERS: readonly StaffRole[] = ['admin', 'manager'];
export const MARKETERS: readonly StaffRole[] = ['admin', 'marketer'];
export const ADMINS: readonly StaffRole[] = ['admin'];

/** Who to blame in the audit log and in idempotency scopes. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : `${principal.kind}:${principal.id}`;
}

/**
 * The key space of Idempotency-Keys and of the request keys stored on records. Every credential of the
 * merchant (staff accounts and API keys, before and after a rotation) shares one space, so a retry with a
 * rotated key or from another till replays the first answer instead of running twice; a member's own
 * calls have a space of their own.
 */
export function idempotencyScopeOf(principal: Principal): string {
  if (principal.kind === 'staff' || principal.kind === 'apiKey') return 'program';
  return principalKey(principal);
}

/** A store-bound caller is part of what a keyed request means: replaying it needs the same binding. */
export function storeBindingOf(principal: Principal): string | null {
  return principal.kind === 'staff' || principal.kind === 'apiKey' ? principal.storeId : null;
}

/**
 * The store a list or a write is limited to. A caller bound to a store (a till's API key, a store's
 * cashier or manager) sees and acts on that store only: no `storeId` means theirs, another one is 403
 * STORE_MISMATCH. Unbound callers get what they asked for (null: every store).
 */
export function storeScopeOf(principal: Principal, requested: string | undefined): string | null {
  const bound = storeBindingOf(principal);
  if (bound && requested && requested !== bound) {
    throw new ForbiddenError(
      `You are bound to store ${bound} and cannot act on store ${requested}`,
      'STORE_MISMATCH',
    );
  }
  return bound ?? requested ?? null;
}
