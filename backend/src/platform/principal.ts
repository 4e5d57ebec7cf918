import type { ApiScope, StaffRole } from '@regulars/contracts';

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
