import type { UpdateProgramBody } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { runInTransaction } from '../ledger/transaction.js';
import { TtlCache } from '../../platform/ttl-cache.js';
import { PROGRAM_DEFAULTS, PROGRAM_ID, ProgramModel, type Program } from './program.model.js';

export type ProgramSettings = Omit<Program, '_id'>;

/** Program settings (currency, time zone, point value, pending days, expiry, negative balances). */
export class ProgramService {
  // Read on every purchase and redemption; other processes see a change within a second.
  private readonly cache = new TtlCache<typeof PROGRAM_ID, ProgramSettings>(1000);

  constructor(private readonly deps: { clock: Clock; audit: AuditService; events: EventService }) {}

  /** The settings, created with defaults on first use. */
  get(): Promise<ProgramSettings> {
    return this.cache.get(PROGRAM_ID, async () => {
      const existing = await ProgramModel.findById(PROGRAM_ID).lean();
      if (existing) return strip(existing);
      const doc = await ProgramModel.findOneAndUpdate(
        { _id: PROGRAM_ID },
        { $setOnInsert: { ...PROGRAM_DEFAULTS, updatedAt: this.deps.clock.now() } },
        { upsert: true, new: true, lean: true },
      );
      return strip(doc);
    });
  }

  async update(changes: UpdateProgramBody, actor: Principal): Promise<ProgramSettings> {
    // Creates the settings with their defaults on first use, before the transaction reads them.
    await this.get();
    const now = this.deps.clock.now();
    const after = await runInTransaction(async (session) => {
      const current = strip(await ProgramModel.findById(PROGRAM_ID).session(session).lean());
      const doc = await ProgramModel.findOneAndUpdate(
        { _id: PROGRAM_ID },
        { $set: { ...changes, updatedAt: now } },
        { new: true, lean: true, session },
      );
      const updated = strip(doc);
      const changed = SETTINGS.filter((key) => current[key] !== updated[key]);
      if (changed.length > 0) {
        await this.deps.events.append(session, {
          type: 'program.updated',
          occurredAt: now,
          subject: { programId: PROGRAM_ID },
          payload: { changed, settings: settingsOf(updated) },
        });
      }
      await this.deps.audit.record({
        actor,
        action: 'program.update',
        entity: { type: 'program', id: PROGRAM_ID },
        before: current,
        after: updated,
        session,
      });
      return updated;
    });
    this.cache.delete(PROGRAM_ID);
    return after;
  }
}

/** The settings a subscriber may act on (every one but the timestamp). */
const SETTINGS = Object.keys(PROGRAM_DEFAULTS).sort() as (keyof typeof PROGRAM_DEFAULTS)[];

function settingsOf(settings: ProgramSettings) {
  return Object.fromEntries(SETTINGS.map((key) => [key, settings[key]]));
}

function strip(doc: Program | null): ProgramSettings {
  if (!doc) throw new Error('program settings missing after upsert');
  const { _id: _ignored, ...settings } = doc;
  // A setting added after the program was created reads as its default until it is changed.
  return { ...PROGRAM_DEFAULTS, ...settings };
}

export function toProgramResponse(settings: ProgramSettings) {
  return { ...settings, updatedAt: settings.updatedAt.toISOString() };
}
