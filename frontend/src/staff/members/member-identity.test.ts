import { describe, expect, it } from 'vitest';
import { staffCatalogues, type StaffMessageKey } from '../staff-messages.js';
import { shownMemberName, shownMemberPhone } from './member-identity.js';

const spanish = (key: StaffMessageKey) => staffCatalogues.es[key];

describe('what the portal shows of a member', () => {
  it('shows the name and phone of a member', () => {
    const member = { name: 'Ana Ruiz', phone: '+34600111222', deletedAt: null };
    expect(shownMemberName(member, spanish)).toBe('Ana Ruiz');
    expect(shownMemberPhone(member)).toBe('+34600111222');
  });

  it("shows a deleted member in the viewer's language, and not the placeholder phone naming its id", () => {
    const member = {
      name: 'Deleted member',
      phone: 'deleted:6b0566ee0000000000000000',
      deletedAt: '2026-12-08T05:00:00.000Z',
    };
    expect(shownMemberName(member, spanish)).toBe('Socio eliminado');
    expect(shownMemberPhone(member)).toBe('');
  });
});
