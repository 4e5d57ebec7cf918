import { API_SCOPES, ProgramSettings, ProgramSignUpInfo, UpdateProgramBody } from '@regulars/contracts';
import type { Api } from '../../platform/http.js';
import { ADMINS, ALL_STAFF } from '../../platform/principal.js';
import { toProgramResponse, type ProgramService } from './program.service.js';

export function registerProgramRoutes(api: Api, deps: { program: ProgramService }): void {
  api.route({
    method: 'get',
    path: '/program',
    operationId: 'getProgram',
    summary: 'Program settings: currency, time zone, point value, pending days, expiry',
    tags: ['Program'],
    access: { staff: ALL_STAFF, member: true, apiKey: API_SCOPES },
    response: { schema: ProgramSettings },
    handler: async () => toProgramResponse(await deps.program.get()),
  });

  api.route({
    method: 'get',
    path: '/program/sign-up',
    operationId: 'getProgramSignUpInfo',
    summary:
      "What the card's sign-up shows before anyone signs in: the program's name, terms and privacy links",
    tags: ['Program'],
    access: { public: true },
    response: { schema: ProgramSignUpInfo },
    handler: async () => {
      const { name, termsUrl, privacyUrl } = await deps.program.get();
      return { name, termsUrl, privacyUrl };
    },
  });

  api.route({
    method: 'patch',
    path: '/program',
    operationId: 'updateProgram',
    summary: 'Change program settings (audit-logged)',
    description:
      'Changes apply to what happens next: points already earned keep the pending and expiry dates they were given.',
    tags: ['Program'],
    access: { staff: ADMINS },
    body: UpdateProgramBody,
    response: { status: 200, schema: ProgramSettings },
    handler: async ({ body, principal }) => toProgramResponse(await deps.program.update(body, principal)),
  });
}
