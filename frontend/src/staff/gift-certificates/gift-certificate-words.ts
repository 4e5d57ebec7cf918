// How a gift certificate is named on screen: by the last 4 characters of its code, never its id.
import type { GiftCertificateStatus } from '@regulars/contracts';
import type { StaffT } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';

/** The code's last 4 characters as a person reads them on a printed certificate: •••• ABCD. */
export function maskedCode(last4: string): string {
  return `•••• ${last4}`;
}

export function statusLabel(status: GiftCertificateStatus, t: StaffT): string {
  return t(`gift.status.${status}` as StaffMessageKey);
}
