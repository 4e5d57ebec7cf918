/** The server refused the request: its error shape `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(input: { status: number; code: string; message: string; details?: unknown }) {
    super(input.message);
    this.name = 'ApiError';
    this.status = input.status;
    this.code = input.code;
    this.details = input.details;
  }
}

/** The request never got an answer: offline, DNS, connection reset. The outcome on the server is unknown. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The connection to the server was lost', { cause });
    this.name = 'NetworkError';
  }
}

/** One field the server (or the client-side validation) rejected, e.g. `{ path: 'items[2].quantity' }`. */
export type FieldIssue = { path: string; message: string };

/**
 * The field issues of a 400/422 answer: `details` itself (the API's VALIDATION_FAILED lists
 * `[{ path, message }]`) or `details.issues`.
 */
export function fieldIssuesOf(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return [];
  const issues = Array.isArray(error.details)
    ? error.details
    : (error.details as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    const joined = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
    return [{ path: joined, message }];
  });
}
