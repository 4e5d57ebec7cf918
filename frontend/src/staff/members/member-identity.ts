// What the portal shows of a member whose account was deleted: the stored name ("Deleted member") is the
// server's English and the stored phone a placeholder naming the member's id, so neither reaches a screen.
import type { StaffMessageKey } from '../staff-messages.js';

type Shown = { name: string; phone?: string; deletedAt?: string | Date | null };
type Translate = (key: StaffMessageKey) => string;

export function shownMemberName(member: Shown, t: Translate): string {
  return member.deletedAt ? t('members.deletedName') : member.name;
}

/** The phone, or nothing for a deleted member. */
export function shownMemberPhone(member: Shown): string {
  return member.deletedAt ? '' : (member.phone ?? '');
}
