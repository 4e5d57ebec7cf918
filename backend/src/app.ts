import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import swaggerUi from 'swagger-ui-express';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { systemClock, type Clock, type SandboxClock } from './platform/clock.js';
import type { EventLoopMonitor } from './platform/event-loop.js';
import type { Logger } from './platform/logger.js';
import { Api, createRouter } from './platform/http.js';
import { createRegistry, generateOpenApiDocument } from './platform/openapi.js';
import { errorMiddleware, notFoundHandler, rejectOperatorKeys } from './platform/error-middleware.js';
import { authenticate } from './platform/authenticate.js';
import { jsonBody } from './platform/json-body.js';
import { RateLimiter } from './platform/rate-limit.js';
import { principalKey } from './platform/principal.js';
import { IdempotencyService } from './platform/idempotency/idempotency.service.js';
import { OffLoopEvaluator } from './modules/rules/off-loop-evaluator.js';
import { runSweepsUntilIdle, type QueueSet } from './platform/jobs.js';
import { allJobs } from './jobs.js';
import { AuditService } from './modules/audit/audit.service.js';
import { registerAuditRoutes } from './modules/audit/audit.routes.js';
import { AuthService } from './modules/auth/auth.service.js';
import { registerAuthRoutes } from './modules/auth/auth.routes.js';
import { TokenService } from './modules/auth/token.service.js';
import { ApiKeyService } from './modules/api-keys/api-key.service.js';
import { registerApiKeyRoutes } from './modules/api-keys/api-key.routes.js';
import { registerHealthRoute } from './modules/health/health.routes.js';
import { MemberService } from './modules/members/member.service.js';
import {
  LogMessageSender,
  UnconfiguredMessageSender,
  WebhookMessageSender,
  type MessageSender,
} from './modules/messaging/message-sender.js';
import { ProgramService } from './modules/program/program.service.js';
import { registerProgramRoutes } from './modules/program/program.routes.js';
import { StaffService } from './modules/staff/staff.service.js';
import { registerStaffRoutes } from './modules/staff/staff.routes.js';
import { StoreService } from './modules/stores/store.service.js';
import { registerStoreRoutes } from './modules/stores/store.routes.js';
import { mountQueueDashboard, registerQueueDashboardRoutes } from './modules/admin/queue-dashboard.js';
import { RuleService } from './modules/rules/rule.service.js';
import { registerRuleRoutes } from './modules/rules/rule.routes.js';
import { registerCatalogRoutes } from './modules/catalog/catalog.routes.js';
import { CatalogTermsService } from './modules/catalog/catalog-terms.service.js';
import { registerMemberRoutes } from './modules/members/member.routes.js';
import { registerMemberDataRoutes } from './modules/members/member-data.routes.js';
import { LedgerService } from './modules/ledger/ledger.service.js';
import { LedgerVerifyService } from './modules/ledger/ledger-verify.service.js';
import { AdjustmentService } from './modules/ledger/adjustment.service.js';
import { registerLedgerRoutes } from './modules/ledger/ledger.routes.js';
import { EarningService } from './modules/purchases/earning.service.js';
import { PurchaseService } from './modules/purchases/purchase.service.js';
import { registerPurchaseRoutes } from './modules/purchases/purchase.routes.js';
import { RefundService } from './modules/refunds/refund.service.js';
import { RewardService } from './modules/rewards/reward.service.js';
import { registerRewardRoutes } from './modules/rewards/reward.routes.js';
import { StampCardService } from './modules/stamps/stamp-card.service.js';
import { StampService } from './modules/stamps/stamp.service.js';
import { registerStampRoutes } from './modules/stamps/stamp.routes.js';
import { ReportAggregatesService } from './modules/reports/report-aggregates.service.js';
import { ReportService } from './modules/reports/report.service.js';
import { DataExportService } from './modules/reports/data-export.service.js';
import { registerReportRoutes } from './modules/reports/report.routes.js';
import { TierService } from './modules/tiers/tier.service.js';
import { registerTierRoutes } from './modules/tiers/tier.routes.js';
import { ReferralService } from './modules/referrals/referral.service.js';
import { registerReferralRoutes } from './modules/referrals/referral.routes.js';
import { GiftCertificateCodes } from './modules/gift-certificates/gift-certificate-code.js';
import { GiftCertificateInstrument } from './modules/gift-certificates/gift-certificate.instrument.js';
import { GiftCertificateService } from './modules/gift-certificates/gift-certificate.service.js';
import { GiftCertificateLedgerCheck } from './modules/gift-certificates/gift-certificate-verify.js';
import { registerGiftCertificateRoutes } from './modules/gift-certificates/gift-certificate.routes.js';
import { CouponTemplateService } from './modules/coupons/coupon-template.service.js';
import { CouponService } from './modules/coupons/coupon.service.js';
import { CouponInstrument } from './modules/coupons/coupon.instrument.js';
import { registerCouponRoutes } from './modules/coupons/coupon.routes.js';
import { registerDocumentRoutes } from './modules/documents/document.routes.js';
import { generateCouponBatchJob } from './modules/coupons/generate-coupon-batch.job.js';
import { SignedCodes } from './platform/signed-code.js';
import { RedemptionService } from './modules/redemptions/redemption.service.js';
import { CheckoutService } from './modules/checkouts/checkout.service.js';
import { registerCheckoutRoutes } from './modules/checkouts/checkout.routes.js';
import { WalletService } from './modules/members/wallet.service.js';
import { EventService } from './modules/events/event.service.js';
import { registerEventRoutes } from './modules/events/event.routes.js';
import { EventDispatcher } from './modules/events/event-dispatcher.js';
import { allSubscribers } from './subscribers.js';
import { registerRedemptionRoutes } from './modules/redemptions/redemption.routes.js';
import { SandboxService, type SweepRunner } from './modules/sandbox/sandbox.service.js';
import { registerSandboxRoutes } from './modules/sandbox/sandbox.routes.js';
import { WebhookDeliveryService } from './modules/webhooks/webhook-delivery.service.js';
import { WebhookService } from './modules/webhooks/webhook.service.js';
import { registerWebhookRoutes } from './modules/webhooks/webhook.routes.js';

export type Platform = {
  config: Config;
  /** Business time: the sandbox clock on a sandbox deployment, else the system clock (or a test's). */
  clock: Clock;
  /** This process's sandbox clock when SANDBOX_CLOCK is on (the same object as `clock`). */
  sandboxClock?: SandboxClock;
  logger: Logger;
  redis: Redis;
  queues: QueueSet;
  /** This process's event-loop delay (health details, stall warnings). */
  eventLoop: EventLoopMonitor;
  /** Overrides the message transport chosen from the configuration (tests capture messages). */
  messages?: MessageSender;
};

/** Every service of the app, wired once. Routes, jobs and the seed script all use these. */
export function createServices(platform: Platform) {
  const { config, clock, logger } = platform;
  const messages =
    platform.messages ??
    (config.sms.webhookUrl
      ? new WebhookMessageSender({ url: config.sms.webhookUrl, token: config.sms.webhookToken })
      : config.isProduction
        ? new UnconfiguredMessageSender()
        : new LogMessageSender(logger));
  const audit = new AuditService(clock);
  const events = new EventService({ clock });
  const eventDispatcher = new EventDispatcher({
    clock,
    redis: platform.redis,
    lockKey: `${config.redisPrefix}:events:dispatch`,
    logger,
  });
  const program = new ProgramService({ clock, audit, events });
  // Security windows (tokens, one-time codes, idempotency retention) run on real time, never on the
  // business clock: moving a sandbox clock must not be a way to skip them (docs/sandbox.md).
  const tokens = new TokenService({
    secret: config.jwtSecret,
    accessTtlSeconds: config.accessTokenTtlSeconds,
    refreshTtlDays: config.refreshTokenTtlDays,
    clock: systemClock,
  });
  const members = new MemberService({ clock, program, audit, events });
  const auth = new AuthService({
    clock: systemClock,
    tokens,
    members,
    messages,
    otpMaxAttempts: config.otpMaxAttempts,
    logger,
    bcryptCost: config.bcryptCost,
  });
  const staff = new StaffService({ audit, bcryptCost: config.bcryptCost });
  const stores = new StoreService({ audit });
  const apiKeys = new ApiKeyService({ clock, audit });
  const idempotency = new IdempotencyService({
    clock: systemClock,
    lockMs: config.idempotencyLockSeconds * 1000,
  });
  const rateLimiter = new RateLimiter(platform.redis, config.redisPrefix);
  const simulator = new OffLoopEvaluator({ budgetMs: config.simulationBudgetMs, logger });
  const stampCards = new StampCardService({ audit, events });
  const stamps = new StampService({ clock, events, cards: stampCards });
  const tiers = new TierService({ clock, audit, events, program });
  const signedCodes = new SignedCodes(config.jwtSecret);
  const couponTemplates = new CouponTemplateService({ clock, audit, events, program });
  const coupons = new CouponService({
    clock,
    audit,
    events,
    templates: couponTemplates,
    signedCodes,
    // The job id is the batch id: a batch is enqueued once, however often its creation is retried.
    startBatch: (batchId): Promise<void> =>
      platform.queues.enqueue(
        generateCouponBatchJob,
        { batchId: batchId.toHexString() },
        { jobId: batchId.toHexString() },
      ),
  });
  const couponInstrument = new CouponInstrument({
    templates: couponTemplates,
    events,
    signedCodes,
    rateLimiter,
    missesPerMin: config.rateLimits.couponMissesPerMin,
  });
  const rules = new RuleService({
    clock,
    audit,
    program,
    events,
    simulator,
    stamps,
    coupons: couponTemplates,
  });
  const ledger = new LedgerService({ clock, events });
  const ledgerVerifier = new LedgerVerifyService([new GiftCertificateLedgerCheck()]);
  const adjustments = new AdjustmentService({ clock, program, members, ledger, audit, events });
  const earning = new EarningService(rules, stamps);
  const purchases = new PurchaseService({
    clock,
    program,
    members,
    ledger,
    earning,
    events,
    stamps,
    coupons,
    tiers,
  });
  const rewards = new RewardService({ clock, audit, events });
  const giftCertificates = new GiftCertificateService({
    clock,
    program,
    events,
    audit,
    codes: new GiftCertificateCodes(config.jwtSecret),
    rateLimiter,
  });
  const giftCertificateInstrument = new GiftCertificateInstrument(giftCertificates);
  const redemptions = new RedemptionService({ clock, program, members, rewards, ledger, events });
  const refunds = new RefundService({
    clock,
    program,
    ledger,
    redemptions,
    events,
    stamps,
    coupons,
    giftCertificates,
    tiers,
  });
  const checkouts = new CheckoutService({
    clock,
    program,
    members,
    ledger,
    purchases,
    redemptions,
    rewards,
    events,
    refunds,
    stamps,
    // Coupons and gift certificates lend their holds to the checkout through its port.
    instruments: [couponInstrument, giftCertificateInstrument],
    giftCertificateSales: giftCertificates,
    // Member pricing: the tier discount (a paid club's prices are the next source).
    memberPricing: [tiers.pricing],
  });
  const referrals = new ReferralService({
    clock,
    audit,
    events,
    program,
    ledger,
    coupons,
    giftCertificates,
  });
  const wallet = new WalletService({ clock, ledger, members, stamps, coupons, giftCertificates });
  const reportAggregates = new ReportAggregatesService({ program });
  const reports = new ReportService({ clock, program });
  const dataExports = new DataExportService();
  // Production refuses private targets unless allowed; a laptop or a test delivers to localhost.
  const isPrivateRefused = config.isProduction && !config.webhooks.allowPrivateTargets;
  const webhookDelivery = new WebhookDeliveryService({
    clock,
    audit,
    logger,
    timeoutMs: config.webhooks.timeoutMs,
    isPrivateRefused,
  });
  const webhooks = new WebhookService({ clock, audit, delivery: webhookDelivery, isPrivateRefused });
  const sandbox: SandboxService = new SandboxService({
    sandboxClock: platform.sandboxClock ?? null,
    clock,
    audit,
    events,
    logger,
    // What the worker gives its jobs; the services are complete by the time an advance runs.
    runSweeps: (onPass): ReturnType<SweepRunner> =>
      runSweepsUntilIdle(allJobs(), { services, clock, logger }, { onPass }),
  });
  const services = {
    /** Business time (the sandbox clock on a sandbox), for the seed and scripts that date things. */
    clock,
    sandbox,
    events,
    eventDispatcher,
    webhooks,
    webhookDelivery,
    rules,
    ledger,
    ledgerVerifier,
    adjustments,
    earning,
    purchases,
    rewards,
    stampCards,
    stamps,
    tiers,
    giftCertificates,
    giftCertificateInstrument,
    signedCodes,
    couponTemplates,
    coupons,
    couponInstrument,
    referrals,
    redemptions,
    refunds,
    checkouts,
    wallet,
    reportAggregates,
    reports,
    dataExports,
    messages,
    audit,
    program,
    tokens,
    members,
    auth,
    staff,
    stores,
    apiKeys,
    idempotency,
    rateLimiter,
    simulator,
  };
  for (const subscriber of allSubscribers(services)) eventDispatcher.register(subscriber);
  return services;
}

export type Services = ReturnType<typeof createServices>;

/** The express app: API under /api/v1, docs, health, queue dashboard, and the built frontend. */
export function createApp(platform: Platform, services: Services): Express {
  const { config, logger } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const genReqId = (req: IncomingMessage, res: ServerResponse) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  };
  if (logger.isLevelEnabled('info')) {
    app.use(pinoHttp({ logger, genReqId, autoLogging: { ignore: (req) => req.url === '/api/health' } }));
  } else {
    // Request logs are info: below that level pino-http would still build (and redact) a child logger
    // per request for nothing, a few per cent of the API's CPU under load. Keep only the request id;
    // the error middleware logs failures with it.
    app.use((req, res, next) => {
      req.id = genReqId(req, res);
      next();
    });
  }
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          // The card shows QR codes drawn as data: images; the staff scanner reads the camera.
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'worker-src': ["'self'", 'blob:'],
        },
      },
    }),
  );
  app.use(
    '/api',
    cors({
      origin: config.corsOrigins.length ? config.corsOrigins : false,
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Key', 'X-Request-Id'],
      exposedHeaders: [
        'X-Request-Id',
        'Retry-After',
        'Idempotent-Replayed',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
      ],
    }),
  );

  const apiRoot = express.Router();
  registerHealthRoute(apiRoot, { redis: platform.redis, eventLoop: platform.eventLoop });

  const registry = createRegistry();
  const v1 = createRouter();
  const api = new Api({
    router: v1,
    registry,
    idempotency: services.idempotency,
    rateLimiter: services.rateLimiter,
    basePath: '/api/v1',
  });
  registerAuthRoutes(api, { auth: services.auth, config });
  registerStaffRoutes(api, { staff: services.staff });
  registerApiKeyRoutes(api, { apiKeys: services.apiKeys });
  registerQueueDashboardRoutes(api);
  registerProgramRoutes(api, { program: services.program });
  registerStoreRoutes(api, { stores: services.stores, program: services.program });
  registerAuditRoutes(api, { audit: services.audit });
  registerRuleRoutes(api, { rules: services.rules });
  registerCatalogRoutes(api, { catalogTerms: new CatalogTermsService() });
  registerMemberRoutes(api, {
    members: services.members,
    ledger: services.ledger,
    wallet: services.wallet,
    identifyPerMin: config.rateLimits.identifyPerMin,
  });
  registerMemberDataRoutes(api, {
    members: services.members,
    ledger: services.ledger,
    wallet: services.wallet,
    clock: services.clock,
  });
  registerLedgerRoutes(api, {
    ledger: services.ledger,
    adjustments: services.adjustments,
    verifier: services.ledgerVerifier,
    members: services.members,
  });
  registerPurchaseRoutes(api, { purchases: services.purchases, refunds: services.refunds });
  registerRewardRoutes(api, { rewards: services.rewards });
  registerStampRoutes(api, { stampCards: services.stampCards });
  registerReportRoutes(api, { reports: services.reports, exports: services.dataExports });
  registerTierRoutes(api, { tiers: services.tiers });
  registerReferralRoutes(api, { referrals: services.referrals, publicUrl: config.publicUrl });
  registerGiftCertificateRoutes(api, {
    giftCertificates: services.giftCertificates,
    program: services.program,
    clock: services.clock,
  });
  registerCouponRoutes(api, { templates: services.couponTemplates, coupons: services.coupons });
  registerDocumentRoutes(api, {
    coupons: services.coupons,
    templates: services.couponTemplates,
    giftCertificates: services.giftCertificates,
    program: services.program,
  });
  registerRedemptionRoutes(api, { redemptions: services.redemptions, ledger: services.ledger });
  registerCheckoutRoutes(api, { checkouts: services.checkouts });
  registerSandboxRoutes(api, { sandbox: services.sandbox });
  registerEventRoutes(api, { events: services.events, dispatcher: services.eventDispatcher });
  registerWebhookRoutes(api, { webhooks: services.webhooks });

  const openapi = generateOpenApiDocument(registry, config.publicUrl ?? '/');
  // Read by scripts/openapi-export.ts, which builds the app offline, and by the authorization-matrix test.
  app.locals.openapi = openapi;
  app.locals.routes = api.declared;
  apiRoot.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  apiRoot.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Regulars API' }));

  apiRoot.use(
    '/v1',
    (_req, res, next) => {
      // Nearly every answer carries personal data or a secret (tokens, a card's QR secret, a new API
      // key); none may be kept by a browser, a proxy or a CDN. Set first, so errors carry it too.
      res.set('Cache-Control', 'no-store');
      next();
    },
    ...jsonBody(),
    rejectOperatorKeys,
    authenticate({ tokens: services.tokens, apiKeys: services.apiKeys, auth: services.auth }),
    async (req, res, next) => {
      // The generous limit every caller gets; sign-in and code checks have strict limits of their own.
      const principal = req.principal ?? { kind: 'anonymous' as const };
      const isAnonymous = principal.kind === 'anonymous';
      try {
        await services.rateLimiter.consumeFor(res, {
          bucket: 'requests',
          key: isAnonymous ? `ip:${req.ip}` : principalKey(principal),
          limit: isAnonymous ? config.rateLimits.anonymousPerMin : config.rateLimits.authenticatedPerMin,
          windowSeconds: 60,
        });
        next();
      } catch (error) {
        next(error);
      }
    },
    v1,
  );
  mountQueueDashboard(apiRoot, { queues: platform.queues, tokens: services.tokens, auth: services.auth });
  apiRoot.use(notFoundHandler);
  app.use('/api', apiRoot);

  mountFrontend(app, config.frontendDist);
  app.use(errorMiddleware(logger));
  return app;
}

/** Serves the built card PWA at /card and the staff portal at /staff, with SPA fallbacks. */
function mountFrontend(app: Express, dist: string): void {
  app.get('/', (_req, res) => {
    res.redirect(302, '/card/');
  });
  for (const appName of ['card', 'staff']) {
    const index = path.join(dist, appName, 'index.html');
    app.use(`/${appName}`, express.static(path.join(dist, appName), { index: 'index.html', maxAge: '1h' }));
    app.get(`/${appName}/{*rest}`, (_req, res) => {
      if (existsSync(index)) res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } });
      else
        res
          .status(503)
          .type('text')
          .send(`The ${appName} app is not built yet: run "pnpm build" (pnpm start builds it for you).`);
    });
  }
  // Shared assets emitted by the build (hashed file names, safe to cache for long).
  app.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '365d' }));
  // Browsers ask for /favicon.ico on their own, whatever page they show.
  const favicon = path.join(dist, 'favicon.ico');
  app.get('/favicon.ico', (_req, res, next) => {
    if (existsSync(favicon)) res.sendFile(favicon, { maxAge: '1d' });
    else next();
  });
}
