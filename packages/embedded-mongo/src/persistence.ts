import fs from 'node:fs';
import path from 'node:path';
import { deserialize, serialize, type Document } from 'bson';
import type { ChangeSink, JournalOp, StorageEngine } from './storage-engine.js';
import { adoptDocuments } from './bson-values.js';

/**
 * Durability under a dbPath.
 *
 * Files: `mongod.lock` (owner pid), `snapshot.bson` (full state as of the start of generation g), and
 * `journal-<g>.bson`, `journal-<g+1>.bson`, … (changes since, in order; more than one only while a
 * background compaction is writing the next snapshot, or after a crash during one). All are sequences
 * of records `[u32 length][u32 crc32][BSON]`.
 *
 * Compaction: at startup (synchronously, before serving) and whenever the journal passes
 * COMPACT_THRESHOLD_BYTES (in the background). A background compaction first switches appends to the
 * next journal generation, then captures the state — stored documents are immutable, so the capture is
 * a list of references taken in one tick — and writes it as the new snapshot in batches, yielding to the
 * event loop between them, so the server keeps answering meanwhile. Only once the snapshot is renamed
 * into place are the older journals deleted; a crash before that recovers from the old snapshot and
 * every journal generation after it.
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
/**
 * Records per snapshot chunk. A background compaction encodes one chunk per turn of the event loop, so
 * this bounds how long a request can wait behind it: ~200 documents of a few hundred bytes encode in
 * about 5 ms (1,000 made 20–30 ms pauses, visible as the p99 of the accrual benchmark).
 */
const OPS_PER_SNAPSHOT_RECORD = 200;
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
      records.push(adoptDocuments(deserialize(body, deserializeOptions)));
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
  /** Writes a snapshot of the current state and starts a new journal, blocking until done. */
  compact(): void;
  /** Compacts without blocking the event loop; resolves when the new snapshot is in place. */
  compactInBackground(): Promise<void>;
}

export interface PersistenceOptions {
  /** Journal size that starts a background compaction (default 64 MiB). */
  compactThresholdBytes?: number;
}

class JournalPersistence implements ChangeSink, Persistence {
  private fd: number;
  private generation: number;
  private journalBytes = 0;
  private isDirty = false;
  private readonly timer: NodeJS.Timeout;
  private isClosed = false;
  private compaction: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly lockPath: string,
    private readonly engine: StorageEngine,
    generation: number,
    private readonly log: (line: string) => void,
    private readonly compactThresholdBytes = COMPACT_THRESHOLD_BYTES,
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
    if (this.journalBytes > this.compactThresholdBytes && this.compaction === undefined) {
      void this.compactInBackground().catch((error: unknown) =>
        this.log(
          `background compaction failed (the journal keeps every change): ${(error as Error).message}`,
        ),
      );
    }
  }

  private syncIfDirty(): void {
    if (!this.isDirty || this.isClosed) return;
    this.isDirty = false;
    fs.fdatasync(this.fd, (error) => {
      if (error !== null) this.log(`journal fdatasync failed: ${error.message}`);
    });
  }

  compact(): void {
    const next = this.switchJournal();
    writeSnapshot(this.dir, [...this.engine.snapshotOps()], next);
    this.removeJournalsBefore(next);
  }

  compactInBackground(): Promise<void> {
    if (this.compaction !== undefined) return this.compaction;
    const next = this.switchJournal();
    // Documents are never mutated in place (updates store new objects), so these references are a
    // consistent picture of the state at the switch, whatever is written while the snapshot is saved.
    const ops = [...this.engine.snapshotOps()];
    const started = Date.now();
    this.compaction = writeSnapshotInBatches(this.dir, ops, next)
      .then(() => {
        this.removeJournalsBefore(next);
        this.log(
          `compacted into snapshot generation ${next} (${ops.length} records) in ${Date.now() - started} ms`,
        );
      })
      .finally(() => {
        this.compaction = undefined;
      });
    return this.compaction;
  }

  /** Makes every later append go to the next generation's journal; returns that generation. */
  private switchJournal(): number {
    const next = this.generation + 1;
    const previous = this.fd;
    this.fd = fs.openSync(this.journalPath(next), 'w');
    fs.fsyncSync(this.fd);
    fsyncDirectory(this.dir);
    // The previous journal is complete: flush it before it becomes part of what recovery relies on.
    fs.fdatasyncSync(previous);
    fs.closeSync(previous);
    this.generation = next;
    this.journalBytes = 0;
    this.isDirty = false;
    return next;
  }

  /** Deletes the journals a snapshot of generation `generation` has made redundant. */
  private removeJournalsBefore(generation: number): void {
    for (const g of journalGenerations(this.dir)) {
      if (g < generation) fs.rmSync(this.journalPath(g), { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    // Let a running compaction finish, so that its snapshot is either complete or never renamed.
    await this.compaction?.catch(() => undefined);
    this.engine.flush();
    clearInterval(this.timer);
    fs.fdatasyncSync(this.fd);
    fs.closeSync(this.fd);
    this.isClosed = true;
    fs.rmSync(this.lockPath, { force: true });
    lockedPaths.delete(path.resolve(this.dir));
  }
}

/** Writes the state as the snapshot of generation `generation`, atomically (temp file, fsync, rename). */
function writeSnapshot(dir: string, ops: JournalOp[], generation: number): void {
  const temporary = path.join(dir, 'snapshot.bson.tmp');
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, encodeRecord({ generation }));
    for (let start = 0; start < ops.length; start += OPS_PER_SNAPSHOT_RECORD) {
      fs.writeSync(fd, encodeRecord({ ops: ops.slice(start, start + OPS_PER_SNAPSHOT_RECORD) }));
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, path.join(dir, 'snapshot.bson'));
  fsyncDirectory(dir);
}

/** The same as writeSnapshot, one batch of records per turn of the event loop. */
async function writeSnapshotInBatches(dir: string, ops: JournalOp[], generation: number): Promise<void> {
  const temporary = path.join(dir, 'snapshot.bson.tmp');
  const file = await fs.promises.open(temporary, 'w');
  try {
    await file.write(encodeRecord({ generation }));
    for (let start = 0; start < ops.length; start += OPS_PER_SNAPSHOT_RECORD) {
      await file.write(encodeRecord({ ops: ops.slice(start, start + OPS_PER_SNAPSHOT_RECORD) }));
    }
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.promises.rename(temporary, path.join(dir, 'snapshot.bson'));
  fsyncDirectory(dir);
}

/** The generations of the journal files present in `dir`, ascending. */
function journalGenerations(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .map((name) => /^journal-(\d+)\.bson$/.exec(name)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
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
  options: PersistenceOptions = {},
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
    // Every journal from the snapshot's generation on, in order: there are several when a background
    // compaction was interrupted before its snapshot was renamed into place.
    let replayed = 0;
    let lastGeneration = generation;
    for (const g of journalGenerations(dir)) {
      const journalPath = path.join(dir, `journal-${g}.bson`);
      if (g < generation) {
        fs.rmSync(journalPath, { force: true }); // already in the snapshot
        continue;
      }
      const content = fs.readFileSync(journalPath);
      const { records, validLength } = decodeRecords(content);
      if (validLength < content.length) {
        log(
          `recovery: ignoring a torn record at the end of ${journalPath} (${content.length - validLength} bytes)`,
        );
        fs.truncateSync(journalPath, validLength);
      }
      replayRecords(engine, records, log);
      replayed += records.length;
      lastGeneration = g;
    }
    fs.rmSync(path.join(dir, 'snapshot.bson.tmp'), { force: true });
    const persistence = new JournalPersistence(
      dir,
      lockPath,
      engine,
      lastGeneration,
      log,
      options.compactThresholdBytes,
    );
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
