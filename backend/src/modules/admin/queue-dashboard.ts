import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler, Response, Router } from 'express';
import { AppError, ForbiddenError, UnauthenticatedError } from '../../platform/errors.js';
import { reply, type Api } from '../../platform/http.js';
import type { QueueSet } from '../../platform/jobs.js';
import { ADMINS } from '../../platform/principal.js';
import type { AuthService } from '../auth/auth.service.js';
import type { TokenService } from '../auth/token.service.js';

export const QUEUE_DASHBOARD_PATH = '/api/admin/queues';
const COOKIE = 'rgl_queues';

/**
 * Bull Board, for admins only. A browser following a link cannot send a bearer header, and a token in a
 * URL ends up in histories and logs, so the staff portal first calls `POST /api/v1/admin/queue-dashboard/session`
 * with its bearer token: the answer sets an httpOnly, SameSite=Strict cookie scoped to the dashboard's
 * path that carries the access token and lives 15 minutes, as long as an access token. Every dashboard
 * request checks it (signature, expiry, the account's current role). A `?token=` in the URL is refused.
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
  const adminOnly: RequestHandler = async (req, _res, next) => {
    try {
      if (req.query.token !== undefined)
        throw new AppError(
          'bad_request',
          'TOKEN_IN_URL',
          'The queue dashboard does not take a token in its URL; open it from the staff portal',
        );
      const token = parseCookie(req.get('cookie') ?? '', COOKIE);
      if (!token)
        throw new UnauthenticatedError('Open the queue dashboard from the staff portal (admins only)');
      const principal = await deps.auth.currentPrincipal(deps.tokens.verifyAccess(token));
      if (principal.kind !== 'staff' || principal.role !== 'admin')
        throw new ForbiddenError('The queue dashboard is for admins');
      next();
    } catch (error) {
      next(error);
    }
  };
  apiRoot.use('/admin/queues', adminOnly, servedLocally, serverAdapter.getRouter() as RequestHandler);
}

/**
 * Bull Board's page links Google's web fonts. The dashboard calls no other host (an admin's browser on a
 * closed network, and nobody else learning who opens it): its stylesheet links to outside hosts are
 * dropped from the page it renders, and its CSS falls back to the system's sans-serif.
 */
const servedLocally: RequestHandler = (_req, res, next) => {
  // (The overloads of render hide its three-argument form from `bind`.)
  const render = res.render.bind(res) as (
    view: string,
    options: object,
    callback: (error: Error | null, html: string) => void,
  ) => void;
  res.render = ((view: string, options: object = {}) =>
    render(view, options, (error, html) => {
      if (error) next(error);
      else res.send(withoutOutsideLinks(html));
    })) as Response['render'];
  next();
};

/** Removes every `<link>` whose href names another host (`https://…` or `//…`). */
function withoutOutsideLinks(html: string): string {
  return html.replace(/<link\b[^>]*\bhref=["']?(?:https?:)?\/\/[^>]*>\s*/gi, '');
}

function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** `POST /api/v1/admin/queue-dashboard/session`: the admin's bearer token in, the dashboard's cookie out. */
export function registerQueueDashboardRoutes(api: Api): void {
  api.route({
    method: 'post',
    path: '/admin/queue-dashboard/session',
    operationId: 'createQueueDashboardSession',
    summary: 'Sign the browser in to the queue dashboard (/api/admin/queues) for 15 minutes',
    description:
      'Sets an httpOnly, SameSite=Strict cookie scoped to `/api/admin/queues` that carries this access ' +
      'token; open the dashboard afterwards. The dashboard never takes a token in its URL.',
    tags: ['Staff'],
    access: { staff: ADMINS },
    response: { status: 204 },
    errors: ['FORBIDDEN'],
    handler: async ({ req, res }) => {
      const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (!token) throw new UnauthenticatedError('Sign in to the staff portal with a bearer token first');
      // As long as an access token lives (ACCESS_TOKEN_TTL_SECONDS is at most 900): the token inside
      // stops working when it expires, and every dashboard request checks the account again.
      res.cookie(COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: QUEUE_DASHBOARD_PATH,
        maxAge: 15 * 60_000,
      });
      return reply(204, undefined);
    },
  });
}
