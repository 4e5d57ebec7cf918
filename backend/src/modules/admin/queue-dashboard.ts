import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler, Router } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../../platform/errors.js';
import type { QueueSet } from '../../platform/jobs.js';
import type { AuthService } from '../auth/auth.service.js';
import type { TokenService } from '../auth/token.service.js';

export const QUEUE_DASHBOARD_PATH = '/api/admin/queues';
const COOKIE = 'rgl_queues';

/**
 * Bull Board, for admins only. A browser cannot send a bearer header when following a link, so the
 * staff portal opens `/api/admin/queues?token=<access token>`; the token is then kept in an httpOnly
 * cookie scoped to the dashboard's path and checked (signature, expiry, the account's current role) on
 * every request.
 */
export function mountQueueDashboard(
  apiRoot: Router,
  deps: { queues: QueueSet; tokens: TokenService; auth: AuthService },
): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: [...deps.queues.queues.values()].map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
  });
  const adminOnly: RequestHandler = async (req, res, next) => {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    const fromHeader = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const fromCookie = parseCookie(req.get('cookie') ?? '', COOKIE);
    const token = fromQuery ?? fromHeader ?? fromCookie;
    try {
      if (!token)
        throw new UnauthenticatedError('Open the queue dashboard from the staff portal (admins only)');
      const principal = await deps.auth.currentPrincipal(deps.tokens.verifyAccess(token));
      if (principal.kind !== 'staff' || principal.role !== 'admin')
        throw new ForbiddenError('The queue dashboard is for admins');
      if (fromQuery) {
        res.cookie(COOKIE, fromQuery, {
          httpOnly: true,
          sameSite: 'strict',
          path: QUEUE_DASHBOARD_PATH,
          maxAge: 15 * 60_000,
        });
      }
      next();
    } catch (error) {
      next(error);
    }
  };
  apiRoot.use('/admin/queues', adminOnly, serverAdapter.getRouter() as RequestHandler);
}

function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
