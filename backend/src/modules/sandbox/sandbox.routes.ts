import { AdvanceClockBody, ObjectIdString, SandboxAdvance, SandboxClock } from '@regulars/contracts';
import { z } from 'zod';
import { reply, type Api } from '../../platform/http.js';
import { ADMINS } from '../../platform/principal.js';
import type { SandboxService } from './sandbox.service.js';

export function registerSandboxRoutes(api: Api, deps: { sandbox: SandboxService }): void {
  api.route({
    method: 'get',
    path: '/sandbox/clock',
    operationId: 'getSandboxClock',
    summary: 'The clock: business time, and whether this is a sandbox whose clock can move',
    description:
      'Public, so that the card can show its sandbox banner before anyone signs in and compare dates with the server time. Outside a sandbox `enabled` is false and `offsetSeconds` 0.',
    tags: ['Sandbox'],
    access: { public: true },
    response: { schema: SandboxClock },
    handler: async () => deps.sandbox.status(),
  });

  api.route({
    method: 'post',
    path: '/sandbox/clock/advance',
    operationId: 'advanceSandboxClock',
    summary: 'Move the sandbox clock forward and run every due-date sweep (admins, sandbox only)',
    description:
      'Give `by` (an ISO 8601 duration: PT1H, P1D, P30D, P1M…) or `to` (an ISO date-time), at most 5 years ahead. The clock moves for every API and worker process within a second; then activation, expiry and every other sweep run until nothing is due, and the answer says what each did. When that takes longer than 20 s the answer is 202 with `status: "running"`: follow it at `/sandbox/clock/advances/{id}`. See docs/sandbox.md.',
    tags: ['Sandbox'],
    access: { staff: ADMINS },
    body: AdvanceClockBody,
    response: {
      status: 200,
      schema: SandboxAdvance,
      others: [
        { status: 202, description: 'The advance is still running: poll `GET /sandbox/clock/advances/{id}`' },
      ],
    },
    errors: ['CLOCK_BACKWARDS', 'SANDBOX_DISABLED', 'VALIDATION_FAILED', 'FORBIDDEN', 'CLOCK_BUSY'],
    idempotency: 'optional',
    handler: async ({ body, principal, requestId }) => {
      const advance = await deps.sandbox.advance(body, principal, requestId);
      return advance.status === 'running' ? reply(202, advance) : advance;
    },
  });

  api.route({
    method: 'get',
    path: '/sandbox/clock/advances/:id',
    operationId: 'getSandboxAdvance',
    summary: 'One advance of the sandbox clock and what its sweeps did so far',
    tags: ['Sandbox'],
    access: { staff: ADMINS },
    params: z.object({ id: ObjectIdString }).strict(),
    response: { schema: SandboxAdvance },
    errors: ['SANDBOX_ADVANCE_NOT_FOUND'],
    handler: async ({ params }) => deps.sandbox.get(params.id),
  });
}
