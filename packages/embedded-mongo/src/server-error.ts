import type { Document } from 'bson';

/** MongoDB error codes this server can return, with their official code names. */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  InvalidBSON: 22,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  IndexAlreadyExists: 68,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  CommandNotSupported: 115,
  NoQueryExecutionPlans: 291,
  DocumentValidationFailure: 121,
  OperationNotSupportedInTransaction: 263,
  InvalidUUID: 207,
  NoSuchTransaction: 251,
  TransactionTooOld: 225,
  NotImplemented: 238,
  TransactionCommitted: 256,
  Location40573: 40573,
  DuplicateKey: 11000,
  BSONObjectTooLarge: 10334,
  Location16755: 16755,
  Location31249: 31249,
  Location40352: 40352,
  Location40414: 40414,
} as const;

const codeNames = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));
// `count` in a transaction answers 50851 under this name (the code predates the generic 263).
codeNames.set(50851, 'OperationNotSupportedInTransaction');

/** The one error type of the server: becomes `{ ok: 0, errmsg, code, codeName, errorLabels }` on the wire. */
export class ServerError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errorLabels: string[];
  /** Extra fields copied into the reply (e.g. `keyPattern`/`keyValue` of a duplicate key). */
  readonly details: Document;

  constructor(code: number, message: string, options: { errorLabels?: string[]; details?: Document } = {}) {
    super(message);
    this.name = 'ServerError';
    this.code = code;
    this.codeName = codeNames.get(code) ?? `Location${code}`;
    this.errorLabels = options.errorLabels ?? [];
    this.details = options.details ?? {};
  }

  /** The error as a command reply document. */
  toReply(): Document {
    const reply: Document = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
      ...this.details,
    };
    if (this.errorLabels.length > 0) reply.errorLabels = this.errorLabels;
    return reply;
  }

  /** The error as an element of a write command's `writeErrors` array. */
  toWriteError(index: number): Document {
    return { index, code: this.code, codeName: this.codeName, errmsg: this.message, ...this.details };
  }
}

/** Rejects a feature this server deliberately does not implement, naming it in the message. */
export function unsupported(feature: string, code: number = ErrorCode.NotImplemented): ServerError {
  return new ServerError(code, `${feature} is not supported by @regulars/embedded-mongo`);
}

/** Wraps anything thrown into a ServerError so that one reply path handles every failure. */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ServerError(ErrorCode.InternalError, message);
}
