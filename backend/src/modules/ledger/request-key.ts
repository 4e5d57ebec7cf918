import type { Request } from 'express';
import { idempotencyScopeOf, type Principal } from '../../platform/principal.js';

/**
 * `<key space> <Idempotency-Key>` (see idempotencyScopeOf), stored on the record a request creates. The platform replays answers
 * by key; this second line of defence finds the record if a crash lost the stored answer.
 */
export function requestKeyOf(req: Request, principal: Principal): string | null {
  const key = req.get('Idempotency-Key');
  return key ? `${idempotencyScopeOf(principal)} ${key}` : null;
}
