import type { Document } from 'bson';
import type { StorageEngine, Transaction } from './storage-engine.js';

/** Server-side state of one logical session (lsid). */
export interface SessionState {
  /** Highest txnNumber seen on this session. */
  txnNumber: bigint;
  txn?: Transaction;
  /** Reply of the last retryable write, replayed when the driver retries the same txnNumber. */
  retryableReply?: { txnNumber: bigint; reply: Document };
  lastUse: number;
}

const SESSION_TIMEOUT_MS = 30 * 60 * 1000;
/** Transactions older than this are aborted, like MongoDB's transactionLifetimeLimitSeconds (60 s). */
export const TRANSACTION_LIFETIME_MS = 60 * 1000;

/** Tracks logical sessions: transactions and retryable-write de-duplication. */
export class SessionManager {
  private readonly sessions = new Map<string, SessionState>();
  private readonly transactionStarts = new Map<Transaction, number>();

  constructor(private readonly engine: StorageEngine) {}

  get(key: string): SessionState {
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = { txnNumber: -1n, lastUse: Date.now() };
      this.sessions.set(key, session);
    }
    session.lastUse = Date.now();
    return session;
  }

  startTransaction(session: SessionState, txnNumber: bigint): Transaction {
    this.abortOpen(session);
    const txn = this.engine.beginTransaction(txnNumber);
    session.txn = txn;
    session.txnNumber = txnNumber;
    this.transactionStarts.set(txn, Date.now());
    return txn;
  }

  /** Aborts the session's open transaction, if any. */
  abortOpen(session: SessionState): void {
    const txn = session.txn;
    if (txn === undefined) return;
    if (txn.state === 'active') this.engine.abortTransaction(txn);
    this.transactionStarts.delete(txn);
  }

  finish(txn: Transaction): void {
    this.transactionStarts.delete(txn);
  }

  end(key: string): void {
    const session = this.sessions.get(key);
    if (session === undefined) return;
    this.abortOpen(session);
    this.sessions.delete(key);
  }

  /** Aborts expired transactions and forgets idle sessions (called periodically). */
  sweep(now = Date.now()): void {
    for (const [key, session] of this.sessions) {
      const txn = session.txn;
      if (
        txn !== undefined &&
        txn.state === 'active' &&
        now - (this.transactionStarts.get(txn) ?? now) > TRANSACTION_LIFETIME_MS
      ) {
        this.abortOpen(session);
      }
      if (now - session.lastUse > SESSION_TIMEOUT_MS) this.end(key);
    }
  }

  /** Aborts everything (shutdown). */
  close(): void {
    for (const key of [...this.sessions.keys()]) this.end(key);
  }
}
