import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

export type { Logger };

/** Structured JSON logs; secrets and credentials are redacted wherever they appear. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'regulars'): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  });
}
