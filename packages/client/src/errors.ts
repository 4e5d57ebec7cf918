/** The API refused the request: its one error shape `{ error: { code, message, details } }`, with its status. */
export class RegularsApiError extends Error {
  readonly status: number;
  /** The stable error code from the API's catalogue (`INSUFFICIENT_POINTS`), or `HTTP_<status>` without one. */
  readonly code: string;
  readonly details: unknown;
  /** The answer's `X-Request-Id`, to quote when asking the merchant's operator about this request. */
  readonly requestId: string | null;

  constructor(input: {
    status: number;
    code: string;
    message: string;
    details?: unknown;
    requestId?: string | null;
  }) {
    super(input.message);
    this.name = 'RegularsApiError';
    this.status = input.status;
    this.code = input.code;
    this.details = input.details;
    this.requestId = input.requestId ?? null;
  }
}

/** The request got no answer (offline, DNS, connection reset), after the retries that were safe: the outcome is unknown. */
export class RegularsNetworkError extends Error {
  constructor(cause: unknown) {
    super('The connection to the Regulars API was lost', { cause });
    this.name = 'RegularsNetworkError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The RegularsApiError of a refused answer whose body openapi-fetch already parsed (JSON, or text). */
export function apiErrorFrom(response: Response, body: unknown): RegularsApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return new RegularsApiError({
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
    message: typeof error?.message === 'string' ? error.message : response.statusText || 'Request failed',
    details: error?.details,
    requestId: response.headers.get('X-Request-Id'),
  });
}
