import { createContext, useContext } from 'react';
import type { ProgramSettings, StaffRole, StaffSummary, Store } from '@regulars/contracts';

/** The signed-in staff member and what every screen needs about the program. */
export type StaffSession = {
  staff: StaffSummary;
  program: ProgramSettings;
  stores: Store[];
  signOut(): void;
};

export const SessionContext = createContext<StaffSession | null>(null);

export function useSession(): StaffSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in portal');
  return session;
}

export const MANAGER_ROLES: readonly StaffRole[] = ['admin', 'manager'];
export const MARKETER_ROLES: readonly StaffRole[] = ['admin', 'marketer'];
export const DESK_ROLES: readonly StaffRole[] = ['admin', 'manager', 'cashier'];
/** Who reads the coupon templates and gives a member a coupon by hand (marketers and admins design them). */
export const COUPON_GIVER_ROLES: readonly StaffRole[] = ['admin', 'manager', 'marketer'];

/** Who reads referrals (the API's readers): marketers set the terms, managers review the queue. */
export const REFERRAL_ROLES: readonly StaffRole[] = ['admin', 'manager', 'marketer'];

export function hasRole(session: StaffSession, roles: readonly StaffRole[]): boolean {
  return roles.includes(session.staff.role);
}
