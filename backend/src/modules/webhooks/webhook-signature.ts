import { createHmac } from 'node:crypto';

/** The HMAC-SHA256, in hex, of `"<unix seconds>.<body>"` under one secret. */
export function signWebhookBody(secret: string, unixSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
}

/**
 * The `Regulars-Signature` header value: `t=<unix seconds>,v1=<hex>`, with one `v1` per valid secret
 * (the current one first; during a rotation's overlap the previous one too).
 */
export function signatureHeader(secrets: readonly string[], unixSeconds: number, body: string): string {
  return [
    `t=${unixSeconds}`,
    ...secrets.map((secret) => `v1=${signWebhookBody(secret, unixSeconds, body)}`),
  ].join(',');
}
