import { z } from './zod.js';
import { MemberWallet } from './checkouts.js';
import { LedgerEntry } from './ledger.js';
import { MemberDetail } from './members.js';
import { PurchaseDetail } from './purchases.js';

/**
 * `GET /api/v1/members/:id/data-export`: everything the program keeps about the signed-in member, as
 * one JSON document (streamed: the ledger and the purchases are written as they are read, oldest first).
 */
export const MemberDataExport = z
  .object({
    exportedAt: z.string().datetime({ offset: true }),
    profile: MemberDetail,
    wallet: MemberWallet,
    ledger: z.array(LedgerEntry),
    purchases: z.array(PurchaseDetail),
  })
  .openapi('MemberDataExport');
export type MemberDataExport = z.infer<typeof MemberDataExport>;

/** `DELETE /api/v1/members/:id`: when the member's personal data was erased. */
export const DeletedMember = z
  .object({ id: z.string(), deletedAt: z.string().datetime({ offset: true }) })
  .openapi('DeletedMember');
export type DeletedMember = z.infer<typeof DeletedMember>;
