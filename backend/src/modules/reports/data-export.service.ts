import { Types } from 'mongoose';
import { LedgerEntryModel, type LedgerEntryDoc } from '../ledger/ledger-entry.model.js';
import { MemberModel, type Member } from '../members/member.model.js';
import { PurchaseModel, type Purchase } from '../purchases/purchase.model.js';
import { StoreModel } from '../stores/store.model.js';
import { csvField } from './report-csv.js';
import { giftCertificatesSoldMinor } from './report-contributions.js';

/** Documents read per page: the export holds one page at a time, whatever the collection's size. */
const PAGE = 2000;

const line = (values: Array<string | number | boolean | null>) => `${values.map(csvField).join(',')}\n`;

/** Pages of a collection in `_id` order, by indexed cursor (a crash or a slow reader holds no server cursor). */
async function* pages<T extends { _id: Types.ObjectId }>(
  read: (after: Types.ObjectId | null) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let after: Types.ObjectId | null = null;
  for (;;) {
    const page = await read(after);
    if (page.length === 0) return;
    yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]?._id ?? null;
  }
}

const afterFilter = (after: Types.ObjectId | null) => (after ? { _id: { $gt: after } } : {});

/** Members, purchases and ledger entries as CSV rows, streamed a page at a time. */
export class DataExportService {
  async *members(): AsyncGenerator<string> {
    yield line([
      'id',
      'cardNumber',
      'name',
      'phone',
      'email',
      'birthDate',
      'joinedAt',
      'isBlocked',
      'tags',
      'pointsAvailable',
      'pointsPending',
      'consentEmail',
      'consentSms',
      'consentPush',
    ]);
    for await (const page of pages((after) =>
      MemberModel.find(afterFilter(after), { cardSecret: 0, ruleUsage: 0 })
        .sort({ _id: 1 })
        .limit(PAGE)
        .lean<Member[]>(),
    )) {
      let rows = '';
      for (const m of page) {
        rows += line([
          String(m._id),
          m.cardNumber,
          m.name,
          m.phone,
          m.email,
          m.birthDate,
          m.joinedAt.toISOString(),
          m.isBlocked,
          (m.tags ?? []).join(';'),
          m.points?.available ?? 0,
          m.points?.pending ?? 0,
          m.consents?.email ?? false,
          m.consents?.sms ?? false,
          m.consents?.push ?? false,
        ]);
      }
      yield rows;
    }
  }

  /** Every purchase (one store's when `storeId` is given), with the gift certificates sold apart from the goods. */
  async *purchases(storeId: string | null): AsyncGenerator<string> {
    const stores = new Map(
      (await StoreModel.find({}, { code: 1 }).lean<Array<{ _id: Types.ObjectId; code: string }>>()).map(
        (s) => [String(s._id), s.code],
      ),
    );
    yield line([
      'id',
      'occurredAt',
      'storeCode',
      'memberId',
      'externalId',
      'channel',
      'currency',
      'totalMinor',
      'goodsMinor',
      'giftCertificatesSoldMinor',
      'refundedMinor',
      'isFullyRefunded',
      'pointsEarned',
      'pointsReversed',
      'pointsSpent',
    ]);
    const scope = storeId ? { storeId: new Types.ObjectId(storeId) } : {};
    for await (const page of pages((after) =>
      PurchaseModel.find({ ...scope, ...afterFilter(after) }, { breakdown: 0, ruleConsumption: 0 })
        .sort({ _id: 1 })
        .limit(PAGE)
        .lean<Purchase[]>(),
    )) {
      let rows = '';
      for (const p of page) {
        const sold = giftCertificatesSoldMinor(p);
        rows += line([
          String(p._id),
          p.occurredAt.toISOString(),
          stores.get(String(p.storeId)) ?? String(p.storeId),
          p.memberId ? String(p.memberId) : null,
          p.externalId,
          p.channel,
          p.currency,
          p.totalMinor,
          p.totalMinor - sold,
          sold,
          p.refundedMinor,
          p.isFullyRefunded,
          p.pointsEarned,
          p.pointsReversed,
          p.pointsSpent,
        ]);
      }
      yield rows;
    }
  }

  async *ledgerEntries(): AsyncGenerator<string> {
    yield line([
      'id',
      'at',
      'memberId',
      'type',
      'points',
      'reason',
      'sourceType',
      'sourceId',
      'actorKind',
      'actor',
    ]);
    for await (const page of pages((after) =>
      LedgerEntryModel.find(afterFilter(after), { lotChanges: 0, rules: 0 })
        .sort({ _id: 1 })
        .limit(PAGE)
        .lean<LedgerEntryDoc[]>(),
    )) {
      let rows = '';
      for (const e of page) {
        rows += line([
          String(e._id),
          e.at.toISOString(),
          String(e.memberId),
          e.type,
          e.points,
          e.reason,
          e.source.type,
          e.source.id,
          e.actor?.kind ?? null,
          e.actor?.label ?? null,
        ]);
      }
      yield rows;
    }
  }
}
