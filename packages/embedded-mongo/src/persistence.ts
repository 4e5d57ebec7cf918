import fs from 'node:fs';
import path from 'node:path';
import { deserialize, serialize, type Document } from 'bson';
import type { ChangeSink, JournalOp, StorageEngine } from './storage-engine.js';

/**
 * Durability under a dbPath.
 *
 * Files: `mongod.lock` (owner pid), `snapshot.bson` (full state, generation g), `journal-<g>.bson`
 * (changes since that snapshot). Both files are sequences of records `[u32 length][u32 crc32][BSON]`.
 *
 * fsync policy: each command's changes are one record, written with a synchronous write(2) before the
 * reply is sent, so an acknowledged write survives the process being killed (the data is in the OS page
 * cache). The journal is fdatasync'ed at most 100 ms later (group commit), so a power loss can lose at
 * most the last 100 ms; a write with writeConcern `j: true` is fdatasync'ed before it is acknowledged.
 * A torn or corrupt last record (crash mid-write) fails its length/CRC check and is cut off on recovery.
 */

const SYNC_INTERVAL_MS = 100;
/** Journal size that triggers a background compaction into a new snapshot. */
const COMPACT_THRESHOLD_BYTES = 64 * 1024 * 1024;
const OPS_PER_SNAPSHOT_RECORD = 1000;
const deserializeOptions = { promoteValues: false, promoteBuffers: false } as const;

const crcTable = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE) of a buffer. */
export function crc32(buffer: Uint8Array): number {
  let crc = -1;
  for (let i = 0; i < buffer.length; i++)
    crc = (crc >>> 8) ^ (crcTable[(crc ^ (buffer[i] as number)) & 0xff] as number);
  return (crc ^ -1) >>> 0;
}

/** Frames a payload as a journal record. */
export function encodeRecord(payload: Document): Buffer {
  const body = serialize(payload);
  const frame = Buffer.allocUnsafe(8 + body.length);
  frame.writeUInt32LE(body.length, 0);
  frame.writeUInt32LE(crc32(body), 4);
  frame.set(body, 8);
  return frame;
}

/** Decodes records until the end or the first torn/corrupt one; returns them and the valid length. */
export function decodeRecords(buffer: Buffer): { records: Document[]; validLength: number } {
  const records: Document[] = [];
  let position = 0;
  while (position + 8 <= buffer.length) {
    const length = buffer.readUInt32LE(position);
    const checksum = buffer.readUInt32LE(position + 4);
    const end = position + 8 + length;
    if (length < 5 || end > buffer.length) break;
    const body = buffer.subarray(position + 8, end);
    if (crc32(body) !== checksum) break;
    try {
      records.push(deserialize(body, deserializeOptions));
    } catch {
      break;
    }
    position = end;
  }
  return { records, validLength: position };
}

const lockedPaths = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory lock, refusing when another live process (or this one) holds it. */
function acquireLock(dir: string): string {
  const lockPath = path.join(dir, 'mongod.lock');
  const resolved = path.resolve(dir);
  if (lockedPaths.has(resolved))
    throw new Error(`dbPath ${dir} is already in use by another embedded-mongo server in this process`);
  try {
    const fd = fs.openSync(lockPath, 'wx');
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `dbPath ${dir} is locked by running process ${owner} (${lockPath}); stop it or use another --dbpath`,
      );
    }
    // Stale lock from a process that died (e.g. kill -9): take it over.
    fs.writeFileSync(lockPath, String(process.pid));
  }
  lockedPaths.add(resolved);
  return lockPath;
}

function fsyncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Some platforms cannot fsync directories; the rename is still atomic.
  }
}

/** The durable side of the engine: journal appends, compaction, lock. */
export interface Persistence {
  close(): Promise<void>;
  /** Writes a snapshot of the current state and starts a new journal. */
  compact(): void;
}

class JournalPersistence implements ChangeSink, Persistence {
  private fd: number;
  private generation: number;
  private journalBytes = 0;
  private isDirty = false;
  private readonly timer: NodeJS.Timeout;
  private isClosed = false;

  constructor(
    private readonly dir: string,
    private readonly lockPath: string,
    private readonly engine: StorageEngine,
    generation: number,
    private readonly log: (line: string) => void,
  ) {
    this.generation = generation;
    this.fd = fs.openSync(this.journalPath(generation), 'a');
    this.journalBytes = fs.fstatSync(this.fd).size;
    this.timer = setInterval(() => this.syncIfDirty(), SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  private journalPath(generation: number): string {
    return path.join(this.dir, `journal-${generation}.bson`);
  }

  append(ops: JournalOp[], isSyncRequested: boolean): void {
    if (this.isClosed) throw new Error('journal is closed');
    const frame = encodeRecord({ ops });
    let written = 0;
    while (written < frame.length) written += fs.writeSync(this.fd, frame, written, frame.length - written);
    this.journalBytes += frame.length;
    if (isSyncRequested) fs.fdatasyncSync(this.fd);
    else this.isDirty = true;
    if (this.journalBytes > COMPACT_THRESHOLD_BYTES) this.compact();
  }

  private syncIfDirty(): void {
    if (!this.isDirty || this.isClosed) return;
    this.isDirty = false;
    fs.fdatasync(this.fd, (error) => {
      if (error !== null) this.log(`journal fdatasync failed: ${error.message}`);
    });
  }

  compact(): void {
    const next = this.generation + 1;
    writeSnapshot(this.dir, this.engine, next);
    const previous = this.fd;
    const previousPath = this.journalPath(this.generation);
    this.fd = fs.openSync(this.journalPath(next), 'w');
    fs.fsyncSync(this.fd);
    fsyncDirectory(this.dir);
    fs.closeSync(previous);
    fs.rmSync(previousPath, { force: true });
    this.generation = next;
    this.journalBytes = 0;
    this.isDirty = false;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.engine.flush();
    clearInterval(this.timer);
    fs.fdatasyncSync(this.fd);
    fs.closeSync(this.fd);
    this.isClosed = true;
    fs.rmSync(this.lockPath, { force: true });
    lockedPaths.delete(path.resolve(this.dir));
  }
}

/** Writes the full state as generation `generation`, atomically (temp file, fsync, rename). */
function writeSnapshot(dir: string, engine: StorageEngine, generation: number): void {
  const temporary = path.join(dir, 'snapshot.bson.tmp');
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, encodeRecord({ generation }));
    let batch: JournalOp[] = [];
    const writeBatch = (): void => {
      if (batch.length > 0) fs.writeSync(fd, encodeRecord({ ops: batch }));
      batch = [];
    };
    for (const op of engine.snapshotOps()) {
      batch.push(op);
      if (batch.length >= OPS_PER_SNAPSHOT_RECORD) writeBatch();
    }
    writeBatch();
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, path.join(dir, 'snapshot.bson'));
  fsyncDirectory(dir);
}

function replayRecords(engine: StorageEngine, records: Document[], log: (line: string) => void): void {
  for (const record of records) {
    const ops: unknown = record.ops;
    if (!Array.isArray(ops)) continue;
    for (const op of ops as JournalOp[]) {
      try {
        engine.replay(op);
      } catch (error) {
        log(`recovery: skipped ${op.op}: ${(error as Error).message}`);
      }
    }
  }
}

/** Locks `dir`, recovers snapshot + journal into `engine`, compacts, and returns the journal sink. */
export async function openPersistence(
  dir: string,
  engine: StorageEngine,
  log: (line: string) => void,
): Promise<Persistence> {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = acquireLock(dir);
  try {
    const started = Date.now();
    let generation = 0;
    const snapshotPath = path.join(dir, 'snapshot.bson');
    if (fs.existsSync(snapshotPath)) {
      const { records, validLength } = decodeRecords(fs.readFileSync(snapshotPath));
      if (validLength !== fs.statSync(snapshotPath).size)
        throw new Error(`snapshot ${snapshotPath} is corrupt`);
      const header = records.shift();
      generation = Number(header?.generation ?? 0);
      replayRecords(engine, records, log);
    }
    const journalPath = path.join(dir, `journal-${generation}.bson`);
    let replayed = 0;
    if (fs.existsSync(journalPath)) {
      const content = fs.readFileSync(journalPath);
      const { records, validLength } = decodeRecords(content);
      if (validLength < content.length) {
        log(
          `recovery: ignoring a torn record at the end of ${journalPath} (${content.length - validLength} bytes)`,
        );
        fs.truncateSync(journalPath, validLength);
      }
      replayRecords(engine, records, log);
      replayed = records.length;
    }
    const persistence = new JournalPersistence(dir, lockPath, engine, generation, log);
    // Compacting at startup keeps the next restart bounded by the data size, not the history length.
    if (replayed > 0) persistence.compact();
    engine.attachSink(persistence);
    log(
      `recovered ${dir} (generation ${generation}, ${replayed} journal records) in ${Date.now() - started} ms`,
    );
    return persistence;
  } catch (error) {
    fs.rmSync(lockPath, { force: true });
    lockedPaths.delete(path.resolve(dir));
    throw error;
  }
}
