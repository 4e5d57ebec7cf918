import type { Request } from 'express';
import { principalKey, type Principal } from '../../platform/principal.js';

/**
 * `<caller> <Idempotency-Key>`, stored on the record a request creates. The platform replays answers
 * by key; this second line of defence finds the record if a crash lost the stored answer.
 */
export function requestKeyOf(req: Request, principal: Principal): string | null {
  const key = req.get('Idempotency-Key');
  return key ? `${principalKey(principal)} ${key}` : null;
}
