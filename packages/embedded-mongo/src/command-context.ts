import type { Document, Long, ObjectId } from 'bson';
import type { CursorManager } from './cursor-manager.js';
import type { SessionManager } from './session-manager.js';
import type { StorageEngine, Transaction } from './storage-engine.js';

/** Static facts about the running server that `hello` and friends report. */
export interface ServerInfo {
  host: string;
  port: number;
  replSetName: string;
  processId: ObjectId;
  startedAt: Date;
  /** Topology change counter; never changes for a single node. */
  topologyCounter: Long;
}

/** Everything a command handler needs. */
export interface CommandContext {
  command: Document;
  db: string;
  engine: StorageEngine;
  cursors: CursorManager;
  sessions: SessionManager;
  server: ServerInfo;
  connectionId: number;
  /** The open transaction when the command runs inside one. */
  txn?: Transaction;
  /** The command is a retryable write (lsid and txnNumber outside a transaction): executed at most once. */
  isRetryableWrite?: boolean;
  /** Aborted when the connection closes or the server stops: ends an awaitable hello early. */
  signal: AbortSignal;
}

/** A command implementation; only `hello` with `maxAwaitTimeMS` is asynchronous. */
export type CommandHandler = (context: CommandContext) => Document | Promise<Document>;
