import { Worker } from 'node:worker_threads';
import type { EvaluationResult } from '@regulars/rules';
import { AppError, RateLimitedError, type ErrorKind } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { SimulationInput } from './rule-checks.js';

/** Simulations waiting for the worker beyond this are refused (429, retry shortly) rather than queued without end. */
const MAX_WAITING = 16;

type Answer = {
  ready?: true;
  result?: EvaluationResult;
  /** A refusal of the rules simulated (RULE_INVALID...), rebuilt as the AppError it was. */
  refusal?: { kind: ErrorKind; code: string; message: string; details?: unknown };
  error?: string;
};

/**
 * Runs rule simulations (checking the drafts or inline rule, then evaluating) on a worker thread, one at
 * a time, each within a time budget: a
 * simulation that runs longer is cut (the thread is terminated and replaced) and answers 422
 * SIMULATION_TOO_EXPENSIVE. However large a valid rule set is, the API's event loop keeps answering.
 * (Purchases evaluate the published set on the loop: its cost was bounded when it was published, see
 * `checkPublishedSetLimits`.)
 */
export class OffLoopEvaluator {
  private worker: Promise<Worker> | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly deps: { budgetMs: number; logger: Logger }) {}

  simulate(input: SimulationInput): Promise<EvaluationResult> {
    if (this.waiting >= MAX_WAITING)
      return Promise.reject(new RateLimitedError(2, 'Too many rule simulations are running at once'));
    this.waiting += 1;
    const run = this.tail.then(() => {
      this.waiting -= 1;
      return this.runOne(input);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await (await worker.catch(() => null))?.terminate();
  }

  private async runOne(input: SimulationInput): Promise<EvaluationResult> {
    const worker = await (this.worker ??= this.spawn());
    return new Promise<EvaluationResult>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      const timer = setTimeout(() => {
        done();
        this.worker = null;
        void worker.terminate();
        this.deps.logger.warn(
          { budgetMs: this.deps.budgetMs, rules: input.active.length },
          'rule simulation cut',
        );
        reject(
          new AppError(
            'unprocessable',
            'SIMULATION_TOO_EXPENSIVE',
            `This simulation needs more than ${this.deps.budgetMs} ms of computation; simulate fewer rules or a smaller basket`,
            { budgetMs: this.deps.budgetMs },
          ),
        );
      }, this.deps.budgetMs);
      const onMessage = (answer: Answer) => {
        done();
        if (answer.result) resolve(answer.result);
        else if (answer.refusal)
          reject(
            new AppError(
              answer.refusal.kind,
              answer.refusal.code,
              answer.refusal.message,
              answer.refusal.details,
            ),
          );
        else reject(new Error(`rule simulation failed: ${answer.error ?? 'no result'}`));
      };
      const onError = (error: Error) => {
        done();
        this.worker = null;
        reject(error);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(input);
    });
  }

  /** Starts the thread (from the compiled .js, or the .ts source through tsx in development and tests). */
  private spawn(): Promise<Worker> {
    const isSource = import.meta.url.endsWith('.ts');
    const entry = new URL(`./evaluation-worker.${isSource ? 'ts' : 'js'}`, import.meta.url);
    // From source, the thread registers tsx before importing its entry (an --import in a worker's
    // execArgv does not apply to its entry module).
    const worker = isSource
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true, execArgv: ['--conditions=source'] },
        )
      : new Worker(entry);
    worker.unref();
    const started = new Promise<Worker>((resolve, reject) => {
      worker.once('message', (answer: Answer) =>
        answer.ready ? resolve(worker) : reject(new Error('bad start')),
      );
      worker.once('error', reject);
    });
    started.catch(() => {
      this.worker = null;
    });
    return started;
  }
}
