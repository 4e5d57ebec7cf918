import { MemberDataExport, ObjectIdString } from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { LedgerEntryModel } from '../ledger/ledger-entry.model.js';
import { toEntryResponse, type LedgerService } from '../ledger/ledger.service.js';
import { PurchaseModel } from '../purchases/purchase.model.js';
import { toPurchaseDetail } from '../purchases/purchase.service.js';
import type { Clock } from '../../platform/clock.js';
import { assertOwnData, memberDetail } from './member.routes.js';
import type { MemberService } from './member.service.js';
import type { WalletService } from './wallet.service.js';

const IdParams = z.object({ id: ObjectIdString });

/**
 * "Download my data": the member's profile, wallet, ledger and purchases as one JSON document. The
 * ledger and the purchases are read by cursor and written as they come, oldest first, so that a member
 * with years of history costs the server one batch of memory, not the whole history.
 */
export function registerMemberDataRoutes(
  api: Api,
  deps: { members: MemberService; ledger: LedgerService; wallet: WalletService; clock: Clock },
): void {
  api.route({
    method: 'get',
    path: '/members/:id/data-export',
    operationId: 'exportMemberData',
    summary: "The member's own data as JSON: profile, wallet, ledger and purchases (streamed)",
    description:
      'Only the member may call it. Sent as an attachment (`regulars-my-data-<date>.json`); the ledger and the purchases are oldest first.',
    tags: ['Members'],
    access: { member: true },
    params: IdParams,
    response: { schema: MemberDataExport, description: 'The JSON document' },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, principal, res }) => {
      assertOwnData(principal, params.id);
      // Read before the first byte: a missing member is still a 404 error body.
      const [profile, wallet] = await Promise.all([
        memberDetail(deps, params.id),
        deps.wallet.get(params.id),
      ]);
      const memberId = (await deps.members.get(params.id))._id;
      const exportedAt = deps.clock.now().toISOString();
      res.status(200);
      res.set({
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="regulars-my-data-${exportedAt.slice(0, 10)}.json"`,
        'Cache-Control': 'no-store',
      });
      const write = async (chunk: string) => {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      };
      await write(
        `{"exportedAt":${JSON.stringify(exportedAt)},"profile":${JSON.stringify(profile)},"wallet":${JSON.stringify(wallet)},"ledger":[`,
      );
      let first = true;
      for await (const entry of LedgerEntryModel.find({ memberId }).sort({ _id: 1 }).lean().cursor()) {
        await write(`${first ? '' : ','}${JSON.stringify(toEntryResponse(entry))}`);
        first = false;
      }
      await write('],"purchases":[');
      first = true;
      for await (const purchase of PurchaseModel.find({ memberId }).sort({ _id: 1 }).lean().cursor()) {
        await write(`${first ? '' : ','}${JSON.stringify(toPurchaseDetail(purchase))}`);
        first = false;
      }
      res.end(']}');
      return undefined;
    },
  });
}
