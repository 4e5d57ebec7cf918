// A fresh Idempotency-Key for a user's attempt (a UUID v4, also on plain-http origins without
// crypto.randomUUID): @regulars/client's, which sends the same key on its own retries.
export { newIdempotencyKey } from '@regulars/client';
