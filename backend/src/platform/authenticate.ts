import type { RequestHandler } from 'express';
import type { ApiKeyService } from '../modules/api-keys/api-key.service.js';
import { API_KEY_PREFIX } from '../modules/api-keys/api-key.service.js';
import type { AuthService } from '../modules/auth/auth.service.js';
import type { TokenService } from '../modules/auth/token.service.js';
import { UnauthenticatedError } from './errors.js';

/**
 * Works out who is calling from `Authorization: Bearer <jwt | api key>` or `X-Api-Key`. No credentials
 * means anonymous; bad credentials, and tokens of a disabled staff account, are refused here, before any
 * route runs.
 */
export function authenticate(deps: {
  tokens: TokenService;
  apiKeys: ApiKeyService;
  auth: AuthService;
}): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.get('authorization');
      const apiKeyHeader = req.get('x-api-key');
      let credential: string | undefined;
      if (header) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match?.[1])
          throw new UnauthenticatedError(
            'Use "Authorization: Bearer <token>"',
            'INVALID_AUTHORIZATION_HEADER',
          );
        credential = match[1];
      } else if (apiKeyHeader) {
        credential = apiKeyHeader.trim();
      }
      if (!credential) {
        req.principal = { kind: 'anonymous' };
      } else if (credential.startsWith(API_KEY_PREFIX)) {
        req.principal = await deps.apiKeys.authenticate(credential);
      } else {
        // The token proves who signed in; what a staff account may do now comes from the account.
        req.principal = await deps.auth.currentPrincipal(deps.tokens.verifyAccess(credential));
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
