import { Binary, Timestamp, type Document } from 'bson';
import type { CommandContext, CommandHandler, ServerInfo } from './command-context.js';
import type { CursorManager } from './cursor-manager.js';
import { adminCommands } from './commands/admin-commands.js';
import { aggregateCommands } from './commands/aggregate-commands.js';
import { bulkWriteCommands } from './commands/bulk-write-commands.js';
import { catalogCommands } from './commands/catalog-commands.js';
import { crudCommands } from './commands/crud-commands.js';
import { isPlainObject, numericValue } from './bson-values.js';
import { ErrorCode, ServerError, toServerError, unsupported } from './server-error.js';
import { SessionManager, type SessionState } from './session-manager.js';
import type { StorageEngine, Transaction } from './storage-engine.js';

/** Reached only without lsid/txnNumber/autocommit; the transactional path is handled by the dispatcher. */
const transactionOutsideSession: CommandHandler = () => {
  throw new ServerError(
    ErrorCode.NoSuchTransaction,
    'commitTransaction/abortTransaction need lsid, txnNumber and autocommit: false',
  );
};

const handlers = new Map<string, CommandHandler>(
  Object.entries({
    ...adminCommands,
    ...catalogCommands,
    ...crudCommands,
    ...aggregateCommands,
    ...bulkWriteCommands,
    commitTransaction: transactionOutsideSession,
    abortTransaction: transactionOutsideSession,
  }),
);

/** Write commands the driver retries with the same (lsid, txnNumber). */
const retryableCommands = new Set([
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'bulkWrite',
]);

/** Whether a write command reported a failed statement: `writeErrors` (insert/update/delete) or `nErrors` (bulkWrite). */
function hasWriteErrors(reply: Document): boolean {
  if (Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0) return true;
  return typeof reply.nErrors === 'number' && reply.nErrors > 0;
}

function noSuchTransaction(message: string): ServerError {
  return new ServerError(ErrorCode.NoSuchTransaction, message, {
    errorLabels: ['TransientTransactionError'],
  });
}

function sessionKey(lsid: unknown): string | undefined {
  if (!isPlainObject(lsid)) return undefined;
  const id = lsid.id;
  if (id instanceof Binary) return id.toString('hex');
  return undefined;
}

function toBigInt(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  const n = numericValue(value);
  return typeof n === 'bigint' ? n : Number.isInteger(n) ? BigInt(n) : undefined;
}

function checkSimpleCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return;
  if (isPlainObject(collation) && collation.locale === 'simple') return;
  throw unsupported('collation not supported: only the simple (binary) collation', ErrorCode.NotImplemented);
}

/** Statement lists whose elements may carry their own collation (update, delete, bulkWrite). */
const statementFields = ['updates', 'deletes', 'ops'] as const;

/** Rejects non-simple collations up front, whichever command or statement carries them. */
function checkCollation(command: Document): void {
  checkSimpleCollation(command.collation);
  for (const field of statementFields) {
    const list: unknown = command[field];
    if (Array.isArray(list))
      for (const item of list) if (isPlainObject(item)) checkSimpleCollation(item.collation);
  }
}

/**
 * Snapshot reads outside transactions (`startSession({ snapshot: true })`, `readConcern: 'snapshot'`)
 * are refused at their first command rather than answered with the latest data. Inside a transaction
 * the snapshot level is what every transaction here already gives.
 */
function checkReadConcern(command: Document): void {
  const readConcern: unknown = command.readConcern;
  if (!isPlainObject(readConcern) || readConcern.level !== 'snapshot') return;
  if (command.autocommit === false) return;
  throw unsupported(
    "Snapshot sessions and readConcern 'snapshot' outside transactions (use a transaction for snapshot reads)",
  );
}

/** The client connection a command arrived on. */
export interface ClientConnection {
  id: number;
  /** Aborted when the connection closes or the server stops: ends awaitable hellos. */
  signal: AbortSignal;
}

/** Routes one command to its handler, handling sessions, transactions, retryable writes and errors. */
export class CommandDispatcher {
  readonly sessions: SessionManager;
  private clusterTime = { t: Math.floor(Date.now() / 1000), i: 0 };

  constructor(
    private readonly engine: StorageEngine,
    private readonly cursors: CursorManager,
    private readonly server: ServerInfo,
  ) {
    this.sessions = new SessionManager(engine);
  }

  private nextClusterTime(): Timestamp {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.clusterTime.t) this.clusterTime = { t: now, i: 1 };
    else this.clusterTime.i++;
    return new Timestamp(this.clusterTime);
  }

  /**
   * Adds `operationTime` (what causally consistent sessions read after) but no `$clusterTime`: that is
   * gossip between the nodes of a cluster, and with one node there is none to do. Sending it made every
   * driver echo it back in every command, serialised by the client and parsed here each time: about a
   * tenth of the server's work per insert, and more of the client's.
   */
  private decorate(reply: Document): Document {
    reply.operationTime = this.nextClusterTime();
    return reply;
  }

  /** Executes a command document and returns the reply document (never throws). */
  run(command: Document, connection: ClientConnection): Document | Promise<Document> {
    const isSyncRequested = isPlainObject(command.writeConcern) && command.writeConcern.j === true;
    this.engine.isValidationBypassed = command.bypassDocumentValidation === true;
    try {
      const result = this.execute(command, connection);
      if (result instanceof Promise) {
        return result.then(
          (reply) => this.decorate(reply),
          (error: unknown) => this.decorate(toServerError(error).toReply()),
        );
      }
      return this.decorate(result);
    } catch (error) {
      return this.decorate(toServerError(error).toReply());
    } finally {
      this.engine.isValidationBypassed = false;
      this.engine.flush(isSyncRequested);
    }
  }

  private execute(command: Document, connection: ClientConnection): Document | Promise<Document> {
    const name = Object.keys(command)[0];
    if (name === undefined)
      throw new ServerError(ErrorCode.CommandNotFound, 'no such command: empty command document');
    const handler = handlers.get(name);
    if (handler === undefined) throw new ServerError(ErrorCode.CommandNotFound, `no such command: '${name}'`);
    const db = typeof command.$db === 'string' ? command.$db : 'admin';
    checkCollation(command);
    const context: CommandContext = {
      command,
      db,
      engine: this.engine,
      cursors: this.cursors,
      sessions: this.sessions,
      server: this.server,
      connectionId: connection.id,
      signal: connection.signal,
    };
    checkReadConcern(command);
    const key = sessionKey(command.lsid);
    const txnNumber = toBigInt(command.txnNumber);
    if (key === undefined || txnNumber === undefined) return handler(context);
    const session = this.sessions.get(key);
    if (command.autocommit === false)
      return this.runInTransaction(name, handler, context, session, txnNumber);
    if (!retryableCommands.has(name)) return handler(context);
    return this.runRetryable(handler, context, session, txnNumber);
  }

  private runRetryable(
    handler: CommandHandler,
    context: CommandContext,
    session: SessionState,
    txnNumber: bigint,
  ): Document | Promise<Document> {
    if (session.retryableReply?.txnNumber === txnNumber) {
      // A retry of a write that already executed: answer as the first time, do not write twice.
      return { ...session.retryableReply.reply, retriedStatement: true };
    }
    if (txnNumber < session.txnNumber) {
      throw new ServerError(
        ErrorCode.TransactionTooOld,
        `Retryable write with txnNumber ${txnNumber} is prohibited on session because a newer retryable write with txnNumber ${session.txnNumber} has already started on this session.`,
      );
    }
    this.sessions.abortOpen(session);
    session.txn = undefined;
    session.txnNumber = txnNumber;
    context.isRetryableWrite = true;
    const reply = handler(context) as Document;
    session.retryableReply = { txnNumber, reply: { ...reply } };
    return reply;
  }

  private runInTransaction(
    name: string,
    handler: CommandHandler,
    context: CommandContext,
    session: SessionState,
    txnNumber: bigint,
  ): Document {
    if (name === 'commitTransaction' || name === 'abortTransaction')
      return this.finishTransaction(name, session, txnNumber);
    let txn: Transaction;
    if (context.command.startTransaction === true) {
      if (txnNumber < session.txnNumber)
        throw new ServerError(
          ErrorCode.TransactionTooOld,
          `txnNumber ${txnNumber} is less than last txnNumber ${session.txnNumber} seen in session`,
        );
      if (txnNumber === session.txnNumber && session.txn !== undefined) {
        throw new ServerError(
          ErrorCode.IllegalOperation,
          `Given transaction number ${txnNumber} has already been used on this session`,
        );
      }
      txn = this.sessions.startTransaction(session, txnNumber);
    } else {
      const current = session.txn;
      if (current === undefined || current.txnNumber !== txnNumber) {
        throw noSuchTransaction(
          `Given transaction number ${txnNumber} does not match any in-progress transactions. The active transaction number is ${session.txnNumber}`,
        );
      }
      if (current.state !== 'active')
        throw noSuchTransaction(`Transaction with { txnNumber: ${txnNumber} } has been ${current.state}.`);
      txn = current;
    }
    try {
      const reply = handler({ ...context, txn }) as Document;
      // A failed statement aborts the whole transaction, as in MongoDB.
      if (hasWriteErrors(reply)) this.abort(session, txn);
      return reply;
    } catch (error) {
      this.abort(session, txn);
      throw error;
    }
  }

  private abort(session: SessionState, txn: Transaction): void {
    this.engine.abortTransaction(txn);
    this.sessions.finish(txn);
    void session;
  }

  private finishTransaction(name: string, session: SessionState, txnNumber: bigint): Document {
    const txn = session.txn;
    if (txn === undefined || txn.txnNumber !== txnNumber) {
      if (name === 'abortTransaction') throw noSuchTransaction(`Transaction ${txnNumber} not found`);
      throw noSuchTransaction(
        `Given transaction number ${txnNumber} does not match any in-progress transactions.`,
      );
    }
    if (name === 'abortTransaction') {
      if (txn.state === 'committed')
        throw new ServerError(ErrorCode.TransactionCommitted, `Transaction ${txnNumber} has been committed.`);
      this.abort(session, txn);
      return { ok: 1 };
    }
    if (txn.state === 'committed') return { ok: 1 };
    if (txn.state === 'aborted')
      throw noSuchTransaction(`Transaction with { txnNumber: ${txnNumber} } has been aborted.`);
    try {
      this.engine.commitTransaction(txn);
    } finally {
      this.sessions.finish(txn);
    }
    return { ok: 1 };
  }
}
