// Every error code the card or the desk can be answered with has a text people read, in every language.
// What "can" means is read from the code itself: the API calls of the card (card-api.ts and any
// `cardClient` call) and of the desk (the `staffApi` functions its screens use), and the codes the
// OpenAPI document lists for those operations.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createServices, type Platform } from '../../backend/src/app.js';
import { loadConfig } from '../../backend/src/config.js';
import { systemClock } from '../../backend/src/platform/clock.js';
import { EventLoopMonitor } from '../../backend/src/platform/event-loop.js';
import { createQueues } from '../../backend/src/platform/jobs.js';
import { createLogger } from '../../backend/src/platform/logger.js';
import {
  ERROR_TEXTS,
  HUMAN_ERROR_CODES,
  type Language,
} from '../../frontend/src/shared/errors/error-texts.js';

const LANGUAGES: Language[] = ['en', 'es', 'ru', 'ro'];

const FRONTEND = path.resolve(import.meta.dirname, '../../frontend/src');
type Operation = { responses?: Record<string, unknown> };
type Document = { paths: Record<string, Record<string, Operation>> };

// The document the API serves, built as `pnpm openapi:export` builds it: offline, no database or Redis.
let document: Document;
let stop: () => void;
beforeAll(() => {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const logger = createLogger(config);
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
  const platform: Platform = {
    config,
    clock: systemClock,
    logger,
    redis,
    queues: createQueues([], { lazyConnect: true }, config.redisPrefix),
    eventLoop: new EventLoopMonitor(logger),
  };
  document = createApp(platform, createServices(platform)).locals.openapi as Document;
  stop = () => {
    platform.eventLoop.stop();
    redis.disconnect();
  };
});
afterAll(() => stop());

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(path.join(dir, entry.name))
      : /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

/** `client.POST('/api/v1/…'` calls in a text: [method, path]. */
function apiCalls(text: string): Array<[string, string]> {
  return [...text.matchAll(/\.(GET|POST|PATCH|PUT|DELETE)\(\s*'(\/api\/v1[^']+)'/g)].map((m) => [
    (m[1] ?? '').toLowerCase(),
    m[2] ?? '',
  ]);
}

function codesOf(document: Document, [method, route]: [string, string]): string[] {
  const operation = document.paths[route]?.[method];
  if (!operation) throw new Error(`${method} ${route} is not in the OpenAPI document`);
  const codes = new Set<string>();
  const walk = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const code = (value as { properties?: { code?: { enum?: string[] } } }).properties?.code?.enum;
    for (const c of code ?? []) codes.add(c);
    for (const inner of Object.values(value)) walk(inner);
  };
  for (const [status, response] of Object.entries(operation.responses ?? {}))
    if (Number(status) >= 400) walk(response);
  return [...codes];
}

function cardCalls(): Array<[string, string]> {
  return filesUnder(path.join(FRONTEND, 'card')).flatMap((file) => apiCalls(readFileSync(file, 'utf8')));
}

function deskCalls(): Array<[string, string]> {
  const used = new Set<string>();
  for (const file of filesUnder(path.join(FRONTEND, 'staff/desk')))
    for (const match of readFileSync(file, 'utf8').matchAll(/staffApi\.(\w+)/g)) used.add(match[1] ?? '');
  const staffApi = readFileSync(path.join(FRONTEND, 'staff/staff-api.ts'), 'utf8');
  const defined = [
    ...staffApi.matchAll(/^ {2}(\w+):[\s\S]*?\.(GET|POST|PATCH|PUT|DELETE)\(\s*'(\/api\/v1[^']+)'/gm),
  ];
  for (const name of used)
    expect(
      defined.some((d) => d[1] === name),
      `staffApi.${name}`,
    ).toBe(true);
  return defined
    .filter((d) => used.has(d[1] ?? ''))
    .map((d) => [(d[2] ?? '').toLowerCase(), d[3] ?? ''] as [string, string]);
}

describe('the error codes the card and the desk can meet', () => {
  it.each([
    ['card', cardCalls],
    ['desk', deskCalls],
  ] as const)('have a text in every language (%s)', (_where, calls) => {
    const found = calls();
    expect(found.length).toBeGreaterThan(5);
    const reachable = new Set(found.flatMap((call) => codesOf(document, call)));
    const missing = [...reachable].filter((code) => !(HUMAN_ERROR_CODES as string[]).includes(code));
    expect(missing).toEqual([]);
    for (const language of LANGUAGES)
      for (const code of reachable)
        expect(
          ERROR_TEXTS[language][code as keyof (typeof ERROR_TEXTS)['en']],
          `${language} ${code}`,
        ).toBeTruthy();
  });
});
