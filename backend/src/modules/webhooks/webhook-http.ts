import http from 'node:http';
import https from 'node:https';
import { WEBHOOK_RESPONSE_BODY_MAX } from '@regulars/contracts';

/** Kept-alive connections to receivers (a busy endpoint gets many deliveries a second). */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** The receiver did not answer (headers and body) within the timeout. */
export class WebhookTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'WebhookTimeoutError';
  }
}

/**
 * POSTs `body` and resolves with the answer's status and its first WEBHOOK_RESPONSE_BODY_MAX bytes (the
 * rest is not read). Rejects on a network error, or with WebhookTimeoutError when the whole answer has
 * not come within `timeoutMs` (real time: a technical wait, not a business date). Redirects are not
 * followed. node:http rather than fetch: a delivery costs a fraction of the CPU.
 */
export function postWebhook(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const request = (isHttps ? https : http).request(url, {
      method: 'POST',
      agent: AGENTS[isHttps ? 'https:' : 'http:'],
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    });
    let isSettled = false;
    const settle = (finish: () => void) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      finish();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new WebhookTimeoutError(timeoutMs)));
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => settle(() => reject(error)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = () => {
        const head = Buffer.concat(chunks).subarray(0, WEBHOOK_RESPONSE_BODY_MAX);
        settle(() =>
          resolve({ status: response.statusCode ?? 0, head: head.toString('utf8').replace(/\uFFFD$/, '') }),
        );
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= WEBHOOK_RESPONSE_BODY_MAX) {
          answer();
          response.destroy();
        }
      });
      response.on('end', answer);
      response.on('error', (error) => settle(() => reject(error)));
    });
    request.end(body);
  });
}
