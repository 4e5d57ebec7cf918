import {
  compileRuleSet,
  evaluate,
  instantiateTemplate,
  listTemplates,
  normaliseItemTerms,
  parseEvaluationContext,
  type CompiledRuleSet,
  type EvaluationResult,
  type MemberProfile,
  type Rule,
} from '@regulars/rules';
import type { Basket, RuleSelection } from '@regulars/contracts';
import { Types, type ClientSession } from 'mongoose';
import type { Clock } from '../../platform/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { paginate, type PageRequest } from '../../platform/pagination.js';
import { principalKey, type Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService, EventType } from '../events/event.service.js';
import { runInTransaction } from '../ledger/transaction.js';
import { MemberModel, type Member } from '../members/member.model.js';
import type { ProgramService } from '../program/program.service.js';
import { StaffModel } from '../staff/staff.model.js';
import type { OffLoopEvaluator } from './off-loop-evaluator.js';
import {
  assertAvailable,
  assertPublishableSet,
  assertValidSet,
  invalid,
  simulateRules,
  stripIdentity,
  validateDefinition,
} from './rule-checks.js';
import {
  RuleModel,
  RuleSetGenerationModel,
  RuleVersionModel,
  type RuleDoc,
  type RuleStatus,
  type RuleVersionDoc,
} from './rule.model.js';

/** What pause, resume and archive move a rule to (nothing goes back to draft). */
type TransitionTarget = Exclude<RuleStatus, 'draft'>;

/** The event each of those writes; publishing writes `rule.published` with the new version. */
const RULE_EVENTS = {
  published: 'rule.resumed',
  paused: 'rule.paused',
  archived: 'rule.archived',
} as const satisfies Record<TransitionTarget, EventType>;

export type ActiveRuleSet = { generation: number; rules: Rule[]; compiled: CompiledRuleSet };

/** How long a process trusts its cached active rule set before asking whether it changed. */
const GENERATION_CHECK_MS = 1000;

/** What the rules module needs of stamp cards (the stamps module provides it). */
export type StampCardFacts = {
  assertRuleCardsActive(rule: Rule, prefix: string): Promise<void>;
  factsFor(
    memberId: Types.ObjectId | null,
    cardIds: readonly string[] | null,
  ): Promise<{ balances: Record<string, number>; thresholds: Record<string, number> }>;
};

/** What the rules module needs of coupon templates (the coupons module provides it). */
export type CouponTemplateFacts = {
  assertRuleTemplatesActive(rule: Rule, prefix: string): Promise<void>;
};

/**
 * Reward rules: drafts, immutable published versions, pause/resume/archive, simulation. Every change is
 * validated (rule and whole active set) before anything is written, and audit-logged after.
 */
export class RuleService {
  private cache: (ActiveRuleSet & { checkedAt: number }) | undefined;

  constructor(
    private readonly deps: {
      clock: Clock;
      audit: AuditService;
      program: ProgramService;
      events: EventService;
      /** Where `simulate` evaluates (a worker thread with a time budget); on this thread without it. */
      simulator?: OffLoopEvaluator;
      /** Stamp card definitions: `addStamps` must name an active one; simulations see thresholds and stamps. */
      stamps?: StampCardFacts;
      /** Coupon templates: `issueCoupon` must name an active assigned one. */
      coupons?: CouponTemplateFacts;
    },
  ) {}

  async create(input: Record<string, unknown>, actor: Principal) {
    // Categories and SKUs are kept in the form evaluation compares them in ("Coffee" → "coffee").
    const definition = normaliseItemTerms(input);
    const id = new Types.ObjectId();
    const rule = validateDefinition(definition, String(id), 1);
    await this.assertFitsActiveSet(rule);
    const by = principalKey(actor);
    const doc = await RuleModel.create({
      _id: id,
      name: rule.name,
      status: 'draft',
      draft: stripIdentity(definition),
      hasUnpublishedChanges: true,
      createdBy: by,
      updatedBy: by,
    });
    const view = await this.toView(doc.toObject());
    await this.deps.audit.record({
      actor,
      action: 'rule.create',
      entity: { type: 'rule', id: view.id },
      after: view.draft,
    });
    return view;
  }

  async update(id: string, input: Record<string, unknown>, actor: Principal) {
    const definition = normaliseItemTerms(input);
    const before = await this.load(id);
    if (before.status === 'archived')
      throw new ConflictError('RULE_ARCHIVED', 'An archived rule cannot be edited; duplicate it instead');
    const rule = validateDefinition(definition, id, (before.publishedVersion ?? 0) + 1);
    await this.assertFitsActiveSet(rule);
    const after = await RuleModel.findOneAndUpdate(
      { _id: id, updatedAt: before.updatedAt },
      {
        $set: {
          name: rule.name,
          draft: stripIdentity(definition),
          hasUnpublishedChanges: true,
          updatedBy: principalKey(actor),
        },
      },
      { new: true, lean: true },
    );
    if (!after)
      throw new ConflictError(
        'RULE_CHANGED',
        'Someone else changed this rule meanwhile; reload it and try again',
      );
    await this.deps.audit.record({
      actor,
      action: 'rule.update',
      entity: { type: 'rule', id },
      before: before.draft,
      after: after.draft,
    });
    return this.toView(after);
  }

  /** Freezes the draft into the next immutable version and makes it active. */
  async publish(id: string, actor: Principal) {
    const before = await this.load(id);
    if (before.status === 'archived')
      throw new ConflictError('RULE_ARCHIVED', 'An archived rule cannot be published');
    if (!before.hasUnpublishedChanges && before.status === 'published') {
      throw new ConflictError(
        'NOTHING_TO_PUBLISH',
        `Version ${before.publishedVersion} is already published and the draft has no changes`,
      );
    }
    const version = (before.publishedVersion ?? 0) + 1;
    const rule = validateDefinition(before.draft, id, version);
    assertAvailable(rule, 'definition');
    await this.deps.stamps?.assertRuleCardsActive(rule, 'definition');
    await this.deps.coupons?.assertRuleTemplatesActive(rule, 'definition');
    await this.assertFitsActiveSet(rule);
    const now = this.deps.clock.now();
    const by = principalKey(actor);
    let after: RuleDoc | null;
    try {
      after = await runInTransaction(async (session) => {
        // The unique (ruleId, version) index makes two concurrent publishes of one rule produce one version.
        await RuleVersionModel.create(
          [{ ruleId: id, version, definition: rule, publishedAt: now, publishedBy: by }],
          { session },
        );
        const published = await RuleModel.findOneAndUpdate(
          { _id: id },
          {
            $set: {
              status: 'published',
              publishedVersion: version,
              publishedAt: now,
              hasUnpublishedChanges: false,
              name: rule.name,
              updatedBy: by,
            },
          },
          { new: true, lean: true, session },
        );
        await this.bumpGeneration(session);
        await this.deps.events.append(session, {
          type: 'rule.published',
          occurredAt: now,
          subject: { ruleId: id },
          payload: { ruleId: id, version, name: rule.name, previousStatus: before.status },
        });
        await this.deps.audit.record({
          actor,
          action: 'rule.publish',
          entity: { type: 'rule', id },
          before: { status: before.status, version: before.publishedVersion },
          after: { status: 'published', version, definition: rule },
          session,
        });
        return published;
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) {
        throw new ConflictError(
          'RULE_CHANGED',
          'This rule was published by someone else meanwhile; reload it',
        );
      }
      throw error;
    }
    // Dropped again after the commit: a reload during the transaction saw the set before it.
    this.cache = undefined;
    return this.toView(after as RuleDoc);
  }

  /**
   * Publishes an earlier version again: its definition becomes the draft and is published as the next
   * version (versions stay immutable, so the ledger keeps naming the version that earned each point).
   */
  async republish(id: string, version: number, actor: Principal) {
    const rule = await this.load(id);
    if (rule.status === 'archived')
      throw new ConflictError('RULE_ARCHIVED', 'An archived rule cannot be published');
    const earlier = await RuleVersionModel.findOne({ ruleId: id, version }).lean();
    if (!earlier) throw new NotFoundError('rule version', `${id} v${version}`);
    await this.update(id, stripIdentity(earlier.definition), actor);
    const published = await this.publish(id, actor);
    await this.deps.audit.record({
      actor,
      action: 'rule.republish',
      entity: { type: 'rule', id },
      before: { version: rule.publishedVersion },
      after: { version: published.published?.version, fromVersion: version },
    });
    return published;
  }

  pause(id: string, actor: Principal) {
    return this.transition(id, actor, 'rule.pause', ['published'], 'paused');
  }

  resume(id: string, actor: Principal) {
    return this.transition(id, actor, 'rule.resume', ['paused'], 'published');
  }

  archive(id: string, actor: Principal) {
    return this.transition(id, actor, 'rule.archive', ['draft', 'published', 'paused'], 'archived');
  }

  async get(id: string) {
    return this.toView(await this.load(id));
  }

  async list(filter: { status?: RuleStatus | undefined }, page: PageRequest) {
    const query: Record<string, unknown> = filter.status ? { status: filter.status } : {};
    const result = await paginate(RuleModel, query, page, (doc: RuleDoc) => doc);
    return {
      items: await this.toViews(result.items),
      nextCursor: result.nextCursor,
    };
  }

  async versions(id: string) {
    await this.load(id);
    const versions = await RuleVersionModel.find({ ruleId: id }).sort({ version: -1 }).lean();
    // Authors are shown by name: the staff accounts named by the versions' principal keys.
    const staffIds = [
      ...new Set(
        versions
          .map((v) => /^staff:([0-9a-f]{24})$/.exec(v.publishedBy)?.[1])
          .filter((staffId): staffId is string => staffId !== undefined),
      ),
    ];
    const staff = staffIds.length
      ? await StaffModel.find({ _id: { $in: staffIds } }, { name: 1 }).lean()
      : [];
    const names = new Map(staff.map((member) => [`staff:${String(member._id)}`, member.name]));
    return { items: versions.map((v) => toVersionView(v, names.get(v.publishedBy) ?? null)) };
  }

  /** The published, active rules (latest version of each), compiled once per change of the set. */
  async activeRuleSet(): Promise<ActiveRuleSet> {
    const now = Date.now();
    if (this.cache && now - this.cache.checkedAt < GENERATION_CHECK_MS) return this.cache;
    const generation = (await RuleSetGenerationModel.findById('rules').lean())?.generation ?? 0;
    if (this.cache && this.cache.generation === generation) {
      this.cache.checkedAt = now;
      return this.cache;
    }
    const rules = await this.loadActiveRules();
    this.cache = { generation, rules, compiled: compileRuleSet(rules), checkedAt: now };
    return this.cache;
  }

  /** The active rules, as the ledger evaluates them at earning time. */
  async publishedRules(): Promise<Rule[]> {
    return (await this.activeRuleSet()).rules;
  }

  listTemplates() {
    return listTemplates().map(({ id, name, description, params }) => ({ id, name, description, params }));
  }

  async createFromTemplate(templateId: string, params: Record<string, unknown>, actor: Principal) {
    const result = instantiateTemplate(templateId, params);
    if (!result.ok) {
      if (result.issues.some((issue) => issue.path === 'templateId'))
        throw new NotFoundError('Rule template', templateId);
      throw invalid(result.issues, '');
    }
    return this.create(stripIdentity(result.rule as unknown as Record<string, unknown>), actor);
  }

  /**
   * Evaluates a basket without writing anything: against the published set, the published set plus
   * every draft, or one inline rule (alone, or on top of the published set when it multiplies them).
   */
  async simulate(input: {
    basket: Basket;
    memberId?: string | undefined;
    member?: MemberProfile | undefined;
    rules: RuleSelection;
    /** Evaluate on the simulator thread, cut after its budget (marketers' simulations of any set). */
    isOffLoop?: boolean;
  }): Promise<EvaluationResult & { evaluatedAt: string }> {
    const active = await this.activeRuleSet();
    const drafts =
      input.rules === 'published+drafts'
        ? (await RuleModel.find({ status: { $ne: 'archived' }, hasUnpublishedChanges: true }).lean()).map(
            (d) => ({ definition: d.draft, id: String(d._id), version: (d.publishedVersion ?? 0) + 1 }),
          )
        : undefined;
    const inline = typeof input.rules === 'object' ? input.rules.inline : undefined;
    const member = input.memberId ? await this.memberProfile(input.memberId) : input.member;
    // The stamp cards' thresholds, and a real member's stamps on them (a hypothetical member brings its own).
    const stampFacts = this.deps.stamps
      ? await this.deps.stamps.factsFor(
          input.memberId && Types.ObjectId.isValid(input.memberId)
            ? new Types.ObjectId(input.memberId)
            : null,
          null,
        )
      : null;
    if (member && input.memberId && stampFacts) member.stampCards = stampFacts.balances;
    const program = await this.deps.program.get();
    const evaluatedAt = input.basket.at ?? this.deps.clock.now().toISOString();
    const parsed = parseEvaluationContext({
      now: evaluatedAt,
      timeZone: program.timeZone,
      purchase: {
        currency: input.basket.currency ?? program.currency,
        items: input.basket.items,
        ...(input.basket.storeId ? { storeId: input.basket.storeId } : {}),
        ...(input.basket.channel ? { channel: input.basket.channel } : {}),
        ...(input.basket.totalMinor !== undefined ? { totalMinor: input.basket.totalMinor } : {}),
      },
      ...(member ? { member } : {}),
      ...(stampFacts ? { stampCardThresholds: stampFacts.thresholds } : {}),
    });
    if (!parsed.ok) {
      // The basket, not a rule, is wrong: an ordinary validation error.
      const details = parsed.issues.map((i) => ({ ...i, path: i.path.replace(/^purchase\b/, 'basket') }));
      throw new ValidationError(
        `${details[0]?.path ?? 'basket'}: ${details[0]?.message ?? 'invalid'}`,
        details,
      );
    }
    const simulation = {
      active: active.rules,
      ...(drafts ? { drafts } : {}),
      ...(inline ? { inline } : {}),
      ...(typeof input.rules === 'object' && input.rules.alone ? { isInlineAlone: true } : {}),
      context: parsed.context,
    };
    if (input.isOffLoop && this.deps.simulator)
      return { ...(await this.deps.simulator.simulate(simulation)), evaluatedAt };
    // On this thread (cart previews): the published set, compiled once per change of the set.
    const result = drafts || inline ? simulateRules(simulation) : evaluate(active.compiled, parsed.context);
    return { ...result, evaluatedAt };
  }

  /** The member as the rules see them (tier, tags, purchase history, birthday, tenure). */
  async memberProfile(memberId: string): Promise<MemberProfile> {
    const member = await MemberModel.findById(memberId).lean();
    if (!member) throw new NotFoundError('Member', memberId);
    return toMemberProfile(member);
  }

  private async transition(
    id: string,
    actor: Principal,
    action: string,
    from: RuleStatus[],
    to: TransitionTarget,
  ) {
    const before = await this.load(id);
    if (!from.includes(before.status)) {
      throw new ConflictError(
        'INVALID_RULE_STATUS',
        `A ${before.status} rule cannot be ${to === 'published' ? 'resumed' : to}; it must be ${from.join(' or ')}`,
      );
    }
    if (to === 'published') {
      const current = await RuleVersionModel.findOne({ ruleId: id, version: before.publishedVersion }).lean();
      if (current) {
        // A version published before the check existed may hold a part nothing carries out.
        assertAvailable(current.definition as unknown as Rule, 'definition');
        await this.deps.stamps?.assertRuleCardsActive(current.definition as unknown as Rule, 'definition');
        await this.deps.coupons?.assertRuleTemplatesActive(
          current.definition as unknown as Rule,
          'definition',
        );
        await this.assertFitsActiveSet(current.definition as unknown as Rule);
      }
    }
    const event = RULE_EVENTS[to];
    const after = await runInTransaction(async (session) => {
      const changed = await RuleModel.findOneAndUpdate(
        { _id: id, status: before.status },
        { $set: { status: to, updatedBy: principalKey(actor) } },
        { new: true, lean: true, session },
      );
      if (!changed)
        throw new ConflictError(
          'RULE_CHANGED',
          'Someone else changed this rule meanwhile; reload it and try again',
        );
      if (before.status === 'published' || to === 'published') await this.bumpGeneration(session);
      await this.deps.events.append(session, {
        type: event,
        subject: { ruleId: id },
        payload: {
          ruleId: id,
          version: before.publishedVersion ?? null,
          name: changed.name,
          previousStatus: before.status,
        },
      });
      await this.deps.audit.record({
        actor,
        action,
        entity: { type: 'rule', id },
        before: { status: before.status },
        after: { status: to },
        session,
      });
      return changed;
    });
    this.cache = undefined;
    return this.toView(after);
  }

  private async load(id: string): Promise<RuleDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Rule', id);
    const doc = await RuleModel.findById(id).lean();
    if (!doc) throw new NotFoundError('Rule', id);
    return doc;
  }

  /**
   * Refuses a rule that would make the active set inconsistent (cyclic or unbounded multipliers...) or
   * too costly for each purchase to evaluate.
   */
  private async assertFitsActiveSet(rule: Rule): Promise<void> {
    const others = (await this.loadActiveRules()).filter((r) => r.id !== rule.id);
    assertValidSet([...others, rule], 'definition');
    assertPublishableSet([...others, rule]);
  }

  private async loadActiveRules(): Promise<Rule[]> {
    const active = await RuleModel.find({ status: 'published' }, { _id: 1, publishedVersion: 1 }).lean();
    const versions = await publishedVersionsOf(active);
    return [...versions.values()]
      .map((v) => v.definition as unknown as Rule)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  private async bumpGeneration(session: ClientSession): Promise<void> {
    await RuleSetGenerationModel.updateOne(
      { _id: 'rules' },
      { $inc: { generation: 1 } },
      { upsert: true, session },
    );
    this.cache = undefined;
  }

  private async toView(doc: RuleDoc) {
    const [view] = await this.toViews([doc]);
    return view as NonNullable<typeof view>;
  }

  /** Views of several rules, with their published versions loaded in one query. */
  private async toViews(docs: RuleDoc[]) {
    const versions = await publishedVersionsOf(docs);
    return docs.map((doc) => {
      const published = versions.get(String(doc._id));
      return {
        id: String(doc._id),
        name: doc.name,
        status: doc.status,
        draft: doc.draft,
        hasUnpublishedChanges: doc.hasUnpublishedChanges,
        published: published
          ? {
              version: published.version,
              definition: stripIdentity(published.definition),
              publishedAt: published.publishedAt.toISOString(),
            }
          : null,
        createdAt: doc.createdAt.toISOString(),
        updatedAt: doc.updatedAt.toISOString(),
      };
    });
  }
}

/** The published version of each rule that has one, by rule id. */
async function publishedVersionsOf(
  rules: ReadonlyArray<Pick<RuleDoc, '_id' | 'publishedVersion'>>,
): Promise<Map<string, RuleVersionDoc>> {
  const wanted = rules.filter((r) => r.publishedVersion !== null);
  if (wanted.length === 0) return new Map();
  const versions = await RuleVersionModel.find({
    $or: wanted.map((r) => ({ ruleId: String(r._id), version: r.publishedVersion })),
  }).lean();
  return new Map(versions.map((v) => [v.ruleId, v]));
}

function toVersionView(v: RuleVersionDoc, publishedByName: string | null) {
  return {
    ruleId: v.ruleId,
    version: v.version,
    definition: stripIdentity(v.definition),
    publishedAt: v.publishedAt.toISOString(),
    publishedBy: v.publishedBy,
    publishedByName,
  };
}

/** The member's profile in the rule language's terms. */
export function toMemberProfile(member: Member): MemberProfile {
  return {
    id: String(member._id),
    ...(member.tier ? { tier: member.tier } : {}),
    tags: member.tags,
    purchaseCount: member.stats.purchaseCount,
    ...(member.stats.lastPurchaseAt ? { lastPurchaseAt: member.stats.lastPurchaseAt.toISOString() } : {}),
    joinedAt: member.joinedAt.toISOString(),
    ...(member.birthDate ? { birthDate: member.birthDate } : {}),
  };
}

/** The server owns `id` and `version`; a definition never carries them. */
