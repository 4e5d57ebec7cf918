import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allJobs, type Job } from './jobs.js';
import { runSweepsUntilIdle } from './platform/jobs.js';

const SRC = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const relative = (file: string) => path.relative(SRC, file);

/**
 * The sandbox clock's contract with every module (docs/sandbox.md): whatever happens later is a due date
 * swept by a job on the injected clock, and `POST /sandbox/clock/advance` runs every such sweep.
 */
describe('the job registry and the sandbox clock', () => {
  it('registers every job a module defines', async () => {
    const registered = new Set(allJobs().map((job) => job.name));
    const jobFiles = sourceFiles(path.join(SRC, 'modules')).filter((file) => file.endsWith('.job.ts'));
    expect(jobFiles.length).toBeGreaterThan(0);
    for (const file of jobFiles) {
      const exported = Object.values((await import(file)) as Record<string, unknown>).filter(
        (value): value is Job =>
          typeof value === 'object' && value !== null && 'handler' in value && 'name' in value,
      );
      expect(exported.length, `${relative(file)} exports no job`).toBeGreaterThan(0);
      for (const job of exported)
        expect(registered.has(job.name), `${job.name} (${relative(file)}) is not in allJobs()`).toBe(true);
    }
  });

  it('makes every repeatable job a sweep, or says why it does not depend on business time', () => {
    for (const job of allJobs()) {
      if (!job.repeat) continue;
      const isDeclared = job.sweep === true || (job.notTimeBased ?? '').trim().length >= 10;
      expect(isDeclared, `${job.name} repeats but is neither sweep: true nor notTimeBased: "<why>"`).toBe(
        true,
      );
    }
    expect(
      allJobs()
        .filter((job) => job.sweep)
        .map((job) => job.name),
    ).toEqual(expect.arrayContaining(['ledger.activate-points', 'ledger.expire-points']));
  });

  it('runs every sweep, and only sweeps, when the clock advances', async () => {
    const calls: string[] = [];
    const recording = allJobs().map((job) => ({
      ...job,
      handler: async () => {
        calls.push(job.name);
        return { done: 0 };
      },
    }));
    const result = await runSweepsUntilIdle(recording, {} as never);
    const sweeps = allJobs()
      .filter((job) => job.sweep)
      .map((job) => job.name);
    expect(calls).toEqual(sweeps);
    expect(Object.keys(result.ran)).toEqual(sweeps);
  });

  it('repeats the sweeps until a whole pass finds nothing due', async () => {
    let due = 3;
    const [first] = allJobs().filter((job) => job.sweep);
    if (!first) throw new Error('no sweep registered');
    const sweep: Job = {
      ...first,
      handler: async () => {
        const done = Math.min(due, 2);
        due -= done;
        return { activated: done };
      },
    };
    const result = await runSweepsUntilIdle([sweep], {} as never);
    expect(result).toEqual({ ran: { [first.name]: { activated: 3 } }, passes: 3 });
  });

  it('keeps business time out of BullMQ delays, timers and TTL indexes', () => {
    // TTL indexes only for security windows, which stay on real time on purpose.
    const ttlAllowed = new Set([
      'modules/auth/refresh-token.model.ts',
      'modules/auth/otp.model.ts',
      'modules/members/card-code-use.model.ts',
      'platform/idempotency/idempotency.model.ts',
    ]);
    // Timers that wait real time for technical reasons, never for a business date.
    const timerAllowed = new Map([
      ['modules/ledger/transaction.ts', 'backoff between retries of a conflicting transaction'],
      ['modules/sandbox/sandbox.service.ts', 'how long an advance answers synchronously'],
      ['modules/purchases/budget-leases.ts', "returning a process's idle budget leases"],
      ['modules/webhooks/webhook-http.ts', "a webhook receiver's answer timeout (WEBHOOK_TIMEOUT_MS)"],
      [
        'modules/rules/off-loop-evaluator.ts',
        "a rule simulation's computation budget (SIMULATION_BUDGET_MS)",
      ],
    ]);
    for (const file of sourceFiles(path.join(SRC, 'modules')).concat(
      sourceFiles(path.join(SRC, 'platform')),
    )) {
      const text = readFileSync(file, 'utf8');
      const name = relative(file);
      if (text.includes('expireAfterSeconds')) expect(ttlAllowed, `${name} has a TTL index`).toContain(name);
      if (name.startsWith('modules/')) {
        expect(/\bdelay\s*:/.test(text), `${name} schedules a BullMQ delay`).toBe(false);
        if (/\bset(Timeout|Interval)\(/.test(text))
          expect(timerAllowed.has(name), `${name} waits with a timer`).toBe(true);
      }
    }
  });
});
