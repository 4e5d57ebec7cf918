// The worker thread behind OffLoopEvaluator: checks and evaluates one simulation per message, so that a
// simulation of a large rule set never holds the API's event loop.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../platform/errors.js';
import { simulateRules, type SimulationInput } from './rule-checks.js';

const port = parentPort;
if (!port) throw new Error('evaluation-worker runs as a worker thread');
port.on('message', (input: SimulationInput) => {
  try {
    port.postMessage({ result: simulateRules(input) });
  } catch (error) {
    if (error instanceof AppError)
      port.postMessage({
        refusal: { kind: error.kind, code: error.code, message: error.message, details: error.details },
      });
    else port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
port.postMessage({ ready: true });
