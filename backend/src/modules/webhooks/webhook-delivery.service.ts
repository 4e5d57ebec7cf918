import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { matchesEventPatterns, WEBHOOK_SIGNATURE_HEADER, type DomainEvent } from '@regulars/contracts';
import { systemClock, type Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { nativeCollection } from '../../platform/mongo.js';
import type { AuditService } from '../audit/audit.service.js';
import { postWebhook, WebhookTimeoutError } from './webhook-http.js';
import { signatureHeader } from './webhook-signature.js';
import { assertPublicTarget } from './webhook-target.js';
import {
  WebhookDeliveryModel,
  WebhookEndpointModel,
  type WebhookDeliveryDoc,
  type WebhookEndpointDoc,
} from './webhook.model.js';

/** A delivery is retried for this long (business time from when it was due), then given up. */
export const WEBHOOK_RETRY_WINDOW_MS = 3 * 24 * 3600_000;
const BACKOFF_FIRST_MS = 30_000;
const BACKOFF_MAX_MS = 12 * 3600_000;
/** How many deliveries one run takes, how many requests it has in flight, and per endpoint. */
const BATCH_SIZE = 200;
const MAX_BATCHES = 50;
const CONCURRENCY = 64;
const PER_ENDPOINT_CONCURRENCY = 32;

export type DeliverySummary = { delivered: number; retrying: number; failed: number };

type AttemptOutcome = {
  isDelivered: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  latencyMs: number;
};

/**
 * Sends the deliveries the webhooks subscriber recorded. A run takes what is due on the injected clock,
 * keeps each member's events in order per endpoint (a later one waits while an earlier one is pending),
 * claims them with a real-time lease (so runs in several processes never send one twice at once), and
 * POSTs them signed, a bounded number at a time per endpoint. A 2xx delivers; anything else is retried
 * with exponential backoff and jitter for 3 days, then given up and the endpoint disabled; a 410
 * disables the endpoint at once. A failing endpoint's other due deliveries wait for its next retry, so
 * a dead receiver costs one attempt per retry, and never holds up the other endpoints.
 */
export class WebhookDeliveryService {
  constructor(
    private readonly deps: {
      clock: Clock;
      audit: AuditService;
      logger: Logger;
      timeoutMs: number;
      /** Whether each delivery re-checks that its target is public (production without WEBHOOK_ALLOW_PRIVATE). */
      isPrivateRefused: boolean;
    },
  ) {}

  /** The subscriber's half: records one delivery per matching active endpoint, due now (idempotent). */
  async enqueue(events: DomainEvent[]): Promise<number> {
    const endpoints = await WebhookEndpointModel.find({ active: true }, { eventTypes: 1 }).lean<
      Array<Pick<WebhookEndpointDoc, '_id' | 'eventTypes'>>
    >();
    if (endpoints.length === 0) return 0;
    const now = this.deps.clock.now();
    const docs: WebhookDeliveryDoc[] = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        // By the patterns as registered: `points.*` also takes a points type added to the catalogue later.
        if (!matchesEventPatterns(event.type, endpoint.eventTypes)) continue;
        docs.push(
          newDelivery({
            endpointId: endpoint._id,
            kind: 'event',
            dedupeKey: event.id,
            orderKey: event.memberId,
            event,
            now,
          }),
        );
      }
    }
    if (docs.length === 0) return 0;
    try {
      await nativeCollection<WebhookDeliveryDoc>(WebhookDeliveryModel).insertMany(docs, { ordered: false });
    } catch (error) {
      // Handed again after a crash: the deliveries already recorded stay as they are.
      if (!isOnlyDuplicates(error)) throw error;
    }
    return docs.length;
  }

  /** One run over what is due now: batches until one is not full or sent nothing (or `maxBatches`). */
  async deliverDue(options: { batchSize?: number; maxBatches?: number } = {}): Promise<DeliverySummary> {
    const batchSize = options.batchSize ?? BATCH_SIZE;
    const summary: DeliverySummary = { delivered: 0, retrying: 0, failed: 0 };
    for (let batch = 0; batch < (options.maxBatches ?? MAX_BATCHES); batch += 1) {
      const { sent, fetched } = await this.deliverBatch(batchSize);
      summary.delivered += sent.delivered;
      summary.retrying += sent.retrying;
      summary.failed += sent.failed;
      if (fetched < batchSize || sent.delivered + sent.retrying + sent.failed === 0) break;
    }
    return summary;
  }

  private async deliverBatch(batchSize: number): Promise<{ sent: DeliverySummary; fetched: number }> {
    const summary: DeliverySummary = { delivered: 0, retrying: 0, failed: 0 };
    const now = this.deps.clock.now();
    const due = await WebhookDeliveryModel.find({
      status: 'pending',
      nextAttemptAt: { $lte: now },
      $or: [{ leaseUntil: null }, { leaseUntil: { $lt: systemClock.now() } }],
    })
      .sort({ nextAttemptAt: 1, _id: 1 })
      .limit(batchSize)
      .lean<WebhookDeliveryDoc[]>();
    if (due.length === 0) return { sent: summary, fetched: 0 };
    // Claimed first, so that runs side by side (several per process, several processes) split what is
    // due instead of all working out the order of the same deliveries.
    const claimed = await this.claim(due);
    if (claimed.length === 0) return { sent: summary, fetched: due.length };

    const endpoints = new Map(
      (
        await WebhookEndpointModel.find({
          _id: { $in: [...new Set(claimed.map((d) => String(d.endpointId)))] },
        }).lean<WebhookEndpointDoc[]>()
      ).map((endpoint) => [String(endpoint._id), endpoint]),
    );
    const orphaned = claimed.filter((d) => !endpoints.get(String(d.endpointId))?.active);
    if (orphaned.length) {
      await WebhookDeliveryModel.updateMany(
        { _id: { $in: orphaned.map((d) => d._id) }, status: 'pending' },
        { $set: { status: 'cancelled', nextAttemptAt: null, leaseUntil: null, leaseToken: null } },
      );
    }
    const chains = await this.inOrder(claimed.filter((d) => endpoints.get(String(d.endpointId))?.active));
    // Those waiting behind an earlier pending delivery (not due, or another run's) go back unsent.
    const chained = new Set(chains.flat().map((d) => String(d._id)));
    const waiting = claimed.filter((d) => !chained.has(String(d._id)) && !orphaned.includes(d));
    if (waiting.length) {
      await WebhookDeliveryModel.updateMany(
        { _id: { $in: waiting.map((d) => d._id) }, status: 'pending' },
        { $set: { leaseUntil: null, leaseToken: null } },
      );
    }

    // Per endpoint a queue of chains (one member's deliveries, sent one after the other in order);
    // endpoints side by side, a bounded number of requests in flight, each endpoint a few at a time.
    const queues = new Map<string, WebhookDeliveryDoc[][]>();
    for (const chain of chains) {
      const key = String(chain[0]?.endpointId);
      queues.set(key, [...(queues.get(key) ?? []), chain]);
    }
    const delivered = new DeliveredWrites();
    // An endpoint that failed in this run: when its next retry is (its other deliveries wait for it).
    const failedEndpoints = new Map<string, Date | null>();
    const lanes: Array<() => Promise<void>> = [];
    for (const [endpointId, queue] of queues) {
      const endpoint = endpoints.get(endpointId);
      if (!endpoint) continue;
      const lanesOfEndpoint = Math.min(PER_ENDPOINT_CONCURRENCY, queue.length);
      for (let lane = 0; lane < lanesOfEndpoint; lane += 1) {
        lanes.push(async () => {
          for (let chain = queue.shift(); chain; chain = queue.shift()) {
            for (const next of chain) {
              if (failedEndpoints.has(endpointId)) {
                await this.release(next, failedEndpoints.get(endpointId) ?? null);
                continue;
              }
              const { result, nextAttemptAt } = await this.attemptClaimed(next, endpoint, {
                isRetried: true,
                delivered,
              });
              summary[result] += 1;
              if (result !== 'delivered') failedEndpoints.set(endpointId, nextAttemptAt);
            }
          }
        });
      }
    }
    try {
      await runLimited(lanes, CONCURRENCY);
    } finally {
      await delivered.flush();
    }
    return { sent: summary, fetched: due.length };
  }

  /**
   * Sends one delivery now, outside the sweep (a ping, a manual redelivery), and records the result.
   * `isRetried: false` (a ping) gives up after this one attempt.
   */
  async sendNow(delivery: WebhookDeliveryDoc, endpoint: WebhookEndpointDoc, options: { isRetried: boolean }) {
    const [claimed] = await this.claim([delivery]);
    if (claimed) await this.attemptClaimed(claimed, endpoint, options);
    return WebhookDeliveryModel.findById(delivery._id).lean<WebhookDeliveryDoc>();
  }

  /**
   * Keeps the order per member and endpoint. Returns chains: each member's due deliveries to an endpoint
   * that are next in line (no earlier pending one before them), oldest first; a delivery without a member
   * is a chain of its own. Those behind an earlier pending one that is not due wait until its next
   * attempt (so they stop coming up).
   */
  private async inOrder(due: WebhookDeliveryDoc[]): Promise<WebhookDeliveryDoc[][]> {
    const chains: WebhookDeliveryDoc[][] = [];
    const byKey = new Map<string, WebhookDeliveryDoc[]>();
    const keyOf = (d: { endpointId: Types.ObjectId; orderKey: string | null }) =>
      `${String(d.endpointId)}:${d.orderKey}`;
    for (const delivery of due) {
      if (delivery.orderKey === null) chains.push([delivery]);
      else byKey.set(keyOf(delivery), [...(byKey.get(keyOf(delivery)) ?? []), delivery]);
    }
    if (byKey.size === 0) return chains;
    const ordered = [...byKey.values()].flat();
    const pending = await WebhookDeliveryModel.find(
      {
        endpointId: {
          $in: [...new Set(ordered.map((d) => String(d.endpointId)))].map((id) => new Types.ObjectId(id)),
        },
        orderKey: { $in: [...new Set(ordered.map((d) => d.orderKey))] },
        status: 'pending',
      },
      { endpointId: 1, orderKey: 1, eventId: 1, nextAttemptAt: 1 },
    ).lean<
      Array<Pick<WebhookDeliveryDoc, '_id' | 'endpointId' | 'orderKey' | 'eventId' | 'nextAttemptAt'>>
    >();
    const line = new Map<string, typeof pending>();
    for (const p of pending) line.set(keyOf(p), [...(line.get(keyOf(p)) ?? []), p]);
    const waits = new Map<number, Types.ObjectId[]>();
    for (const [key, deliveries] of byKey) {
      const dueById = new Map(deliveries.map((d) => [String(d._id), d]));
      const queue = (line.get(key) ?? []).sort((x, y) =>
        x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0,
      );
      const chain: WebhookDeliveryDoc[] = [];
      for (const p of queue) {
        const delivery = dueById.get(String(p._id));
        if (!delivery) break;
        chain.push(delivery);
      }
      if (chain.length) chains.push(chain);
      // The first pending one not in the chain holds the rest up.
      const blocker = queue[chain.length];
      const until = blocker?.nextAttemptAt?.getTime() ?? 0;
      for (const delivery of deliveries) {
        if (chain.includes(delivery)) continue;
        if (delivery.nextAttemptAt && until > delivery.nextAttemptAt.getTime())
          waits.set(until, [...(waits.get(until) ?? []), delivery._id]);
      }
    }
    for (const [until, ids] of waits) {
      await WebhookDeliveryModel.updateMany(
        { _id: { $in: ids }, status: 'pending' },
        { $set: { nextAttemptAt: new Date(until) } },
      );
    }
    return chains;
  }

  /** Leases the deliveries to this run (real time: an attempt's timeout plus a margin); returns those it got. */
  private async claim(deliveries: WebhookDeliveryDoc[]): Promise<WebhookDeliveryDoc[]> {
    if (deliveries.length === 0) return [];
    const token = randomBytes(8).toString('hex');
    const realNow = systemClock.now();
    await WebhookDeliveryModel.updateMany(
      {
        _id: { $in: deliveries.map((d) => d._id) },
        status: 'pending',
        $or: [{ leaseUntil: null }, { leaseUntil: { $lt: realNow } }],
      },
      // The receiver's timeout and a margin for recording the answer: a process killed mid-send holds its
      // deliveries this long, then another run sends them again (at least once).
      { $set: { leaseUntil: new Date(realNow.getTime() + this.deps.timeoutMs + 10_000), leaseToken: token } },
    );
    const won = new Set(
      (
        await WebhookDeliveryModel.find(
          { _id: { $in: deliveries.map((d) => d._id) }, leaseToken: token },
          { _id: 1 },
        ).lean()
      ).map((d) => String(d._id)),
    );
    return deliveries.filter((d) => won.has(String(d._id)));
  }

  /** Gives a claimed delivery back unsent, to wait until `until` when its endpoint is failing. */
  private async release(delivery: WebhookDeliveryDoc, until: Date | null): Promise<void> {
    const waits = until && delivery.nextAttemptAt && until > delivery.nextAttemptAt;
    await WebhookDeliveryModel.updateOne(
      { _id: delivery._id, status: 'pending' },
      { $set: { leaseUntil: null, leaseToken: null, ...(waits ? { nextAttemptAt: until } : {}) } },
    );
  }

  /** Sends a claimed delivery and records what happened; returns which way it went. */
  private async attemptClaimed(
    delivery: WebhookDeliveryDoc,
    endpoint: WebhookEndpointDoc,
    options: { isRetried: boolean; delivered?: DeliveredWrites } = { isRetried: true },
  ): Promise<{ result: keyof DeliverySummary; nextAttemptAt: Date | null }> {
    const outcome = await this.send(delivery, endpoint);
    const now = this.deps.clock.now();
    const attempt = {
      lastAttemptAt: now,
      latencyMs: outcome.latencyMs,
      responseStatus: outcome.responseStatus,
      responseBody: outcome.responseBody,
      error: outcome.error,
      leaseUntil: null,
      leaseToken: null,
    };
    const attempts = delivery.attempts + 1;
    if (outcome.isDelivered) {
      const update = {
        $set: { ...attempt, status: 'delivered' as const, deliveredAt: now, nextAttemptAt: null },
        $inc: { attempts: 1 },
      };
      if (options.delivered) await options.delivered.add(delivery._id, update);
      else await WebhookDeliveryModel.updateOne({ _id: delivery._id }, update);
      if (delivery.kind !== 'ping' && endpoint.failingSince) {
        endpoint.failingSince = null;
        await WebhookEndpointModel.updateOne({ _id: endpoint._id }, { $set: { failingSince: null } });
      }
      return { result: 'delivered', nextAttemptAt: null };
    }
    const isGone = outcome.responseStatus === 410;
    const deadline = delivery.createdAt.getTime() + WEBHOOK_RETRY_WINDOW_MS;
    const isGivenUp = isGone || !options.isRetried || now.getTime() >= deadline;
    const nextAttemptAt = isGivenUp
      ? null
      : new Date(Math.min(now.getTime() + backoffMs(attempts), deadline));
    await WebhookDeliveryModel.updateOne(
      { _id: delivery._id },
      {
        $set: { ...attempt, status: isGivenUp ? 'failed' : 'pending', nextAttemptAt },
        $inc: { attempts: 1 },
      },
    );
    if (delivery.kind === 'ping') return { result: 'failed', nextAttemptAt: null };
    if (!endpoint.failingSince) {
      endpoint.failingSince = now;
      await WebhookEndpointModel.updateOne(
        { _id: endpoint._id, failingSince: null },
        { $set: { failingSince: now } },
      );
    }
    if (isGone)
      await this.disable(endpoint, 'gone', `it answered 410 Gone to the delivery of ${delivery.eventId}`);
    else if (isGivenUp)
      await this.disable(endpoint, 'failing', `the delivery of ${delivery.eventId} failed for 3 days`);
    else if (nextAttemptAt) {
      // Its other due deliveries wait for the next retry instead of each timing out in turn.
      await WebhookDeliveryModel.updateMany(
        {
          endpointId: endpoint._id,
          status: 'pending',
          nextAttemptAt: { $lt: nextAttemptAt },
          leaseToken: null,
        },
        { $set: { nextAttemptAt } },
      );
    }
    return { result: isGivenUp ? 'failed' : 'retrying', nextAttemptAt };
  }

  /** POSTs the event, signed, and reads the head of the answer; never throws. */
  private async send(delivery: WebhookDeliveryDoc, endpoint: WebhookEndpointDoc): Promise<AttemptOutcome> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const body = JSON.stringify(delivery.event);
    const realNow = systemClock.now();
    const secrets = endpoint.secrets
      .filter((s) => s.expiresAt === null || s.expiresAt > realNow)
      .map((s) => s.secret);
    const failure = (error: string): AttemptOutcome => ({
      isDelivered: false,
      responseStatus: null,
      responseBody: null,
      error,
      latencyMs: latency(),
    });
    try {
      const url = new URL(endpoint.url);
      if (this.deps.isPrivateRefused) await assertPublicTarget(url);
      const answer = await postWebhook(
        url,
        {
          'Content-Type': 'application/json',
          'User-Agent': 'Regulars-Webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(secrets, Math.floor(realNow.getTime() / 1000), body),
          'Regulars-Event-Id': delivery.event.id,
          'Regulars-Event-Type': delivery.event.type,
          'Regulars-Delivery-Id': String(delivery._id),
        },
        body,
        this.deps.timeoutMs,
      );
      return {
        isDelivered: answer.status >= 200 && answer.status < 300,
        responseStatus: answer.status,
        responseBody: answer.head,
        error: null,
        latencyMs: latency(),
      };
    } catch (error) {
      const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (error instanceof WebhookTimeoutError) return failure(error.message);
      const code = (error as { code?: string }).code;
      if (code === 'WEBHOOK_TARGET_PRIVATE' || code === 'WEBHOOK_TARGET_UNRESOLVABLE')
        return failure(e.message ?? code);
      return failure((e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed').slice(0, 200));
    }
  }

  /** Turns the endpoint off (once), cancels what it still had pending, and says so in the audit log and the logs. */
  private async disable(
    endpoint: WebhookEndpointDoc,
    reason: 'gone' | 'failing',
    why: string,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const result = await WebhookEndpointModel.updateOne(
      { _id: endpoint._id, active: true },
      { $set: { active: false, disabledAt: now, disabledReason: reason, updatedAt: now } },
    );
    if (result.modifiedCount === 0) return;
    await cancelPending(endpoint._id);
    this.deps.logger.warn(
      { webhookEndpointId: String(endpoint._id), url: endpoint.url, reason },
      `webhook endpoint disabled: ${why}`,
    );
    await this.deps.audit.record({
      actor: { kind: 'anonymous' },
      action: 'webhook.disable',
      entity: { type: 'webhook_endpoint', id: String(endpoint._id) },
      before: { active: true },
      after: { active: false, disabledReason: reason },
      reason: `Regulars disabled the endpoint: ${why}`,
    });
  }
}

/**
 * The successful deliveries of a run, written in bulk (one round trip per 200 instead of one each).
 * Until written they stay `pending` and leased: nobody sends them again, and a member's next event at
 * that endpoint waits; a crash before the write sends them again once the lease ends (at least once).
 */
class DeliveredWrites {
  private ops: Array<{ updateOne: { filter: { _id: Types.ObjectId }; update: Record<string, unknown> } }> =
    [];

  async add(id: Types.ObjectId, update: Record<string, unknown>): Promise<void> {
    this.ops.push({ updateOne: { filter: { _id: id }, update } });
    if (this.ops.length >= 200) await this.flush();
  }

  async flush(): Promise<void> {
    const ops = this.ops;
    this.ops = [];
    if (ops.length) await WebhookDeliveryModel.bulkWrite(ops, { ordered: false });
  }
}

/** Marks what an endpoint still had pending as cancelled (it was turned off or removed). */
export async function cancelPending(endpointId: Types.ObjectId): Promise<void> {
  await WebhookDeliveryModel.updateMany(
    { endpointId, status: 'pending' },
    { $set: { status: 'cancelled', nextAttemptAt: null } },
  );
}

/** A new delivery document, due now. */
export function newDelivery(input: {
  endpointId: Types.ObjectId;
  kind: WebhookDeliveryDoc['kind'];
  dedupeKey: string;
  orderKey: string | null;
  event: WebhookDeliveryDoc['event'];
  now: Date;
}): WebhookDeliveryDoc {
  return {
    _id: new Types.ObjectId(),
    endpointId: input.endpointId,
    dedupeKey: input.dedupeKey,
    kind: input.kind,
    eventId: input.event.id,
    eventType: input.event.type,
    orderKey: input.orderKey,
    event: input.event,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: input.now,
    leaseUntil: null,
    leaseToken: null,
    lastAttemptAt: null,
    latencyMs: null,
    responseStatus: null,
    responseBody: null,
    error: null,
    deliveredAt: null,
    createdAt: input.now,
  };
}

/** Exponential from 30 s, capped at 12 h, with ±25% jitter so that retries of many deliveries spread out. */
export function backoffMs(attempts: number): number {
  const base = Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Runs the tasks with at most `limit` at a time. */
async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next];
      next += 1;
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

function isOnlyDuplicates(error: unknown): boolean {
  const e = error as { code?: number; writeErrors?: Array<{ code?: number }> };
  if (Array.isArray(e.writeErrors) && e.writeErrors.length > 0)
    return e.writeErrors.every((w) => w.code === 11000);
  return e.code === 11000;
}
