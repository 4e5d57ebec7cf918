import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';

/** A bare TCP connection for sending hand-made (including malformed) wire messages. */
export class RawWireClient {
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private isClosed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.isClosed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawWireClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawWireClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the next whole reply frame, or undefined once the server closed the connection. */
  async nextFrame(timeoutMs = 2000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const length = this.buffered.readInt32LE(0);
        if (this.buffered.length >= length) {
          const frame = this.buffered.subarray(0, length);
          this.buffered = this.buffered.subarray(length);
          return frame;
        }
      }
      if (this.isClosed) return undefined;
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Sends an OP_MSG command (with optional kind-1 document sequences) and returns the reply body. */
  async command(body: Document, sequences?: Record<string, Document[]>): Promise<Document> {
    this.send(sequences === undefined ? opMsg(body) : opMsgWithSequences(body, sequences));
    // A guard against a hang, not a speed check: a 16 MiB command on a loaded CI machine takes seconds.
    const frame = await this.nextFrame(15_000);
    if (frame === undefined) throw new Error('connection closed');
    return deserialize(frame.subarray(21));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Builds an OP_MSG frame with a body section (and optionally a raw payload instead of BSON). */
export function opMsg(body: Document | Buffer, requestId = 1): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(serialize(body));
  const frame = Buffer.alloc(21 + bytes.length);
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE(requestId, 4);
  frame.writeInt32LE(0, 8);
  frame.writeInt32LE(2013, 12);
  frame.writeUInt32LE(0, 16);
  frame[20] = 0;
  bytes.copy(frame, 21);
  return frame;
}

/** Builds an OP_MSG frame with a body section followed by kind-1 document sequences, as drivers send `ops`. */
export function opMsgWithSequences(body: Document, sequences: Record<string, Document[]>): Buffer {
  const sections: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [identifier, docs] of Object.entries(sequences)) {
    const name = Buffer.from(`${identifier}\0`);
    const payload = docs.map((doc) => Buffer.from(serialize(doc)));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + name.length + payload.reduce((sum, doc) => sum + doc.length, 0));
    sections.push(Buffer.from([1]), size, name, ...payload);
  }
  const frame = Buffer.concat([Buffer.alloc(20), ...sections]);
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE(1, 4);
  frame.writeInt32LE(2013, 12);
  return frame;
}

/** Builds a legacy OP_QUERY frame, as drivers send for the initial handshake. */
export function opQuery(namespace: string, query: Document): Buffer {
  const name = Buffer.from(`${namespace}\0`);
  const doc = Buffer.from(serialize(query));
  const frame = Buffer.alloc(16 + 4 + name.length + 8 + doc.length);
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE(7, 4);
  frame.writeInt32LE(0, 8);
  frame.writeInt32LE(2004, 12);
  frame.writeInt32LE(0, 16);
  name.copy(frame, 20);
  frame.writeInt32LE(0, 20 + name.length);
  frame.writeInt32LE(-1, 24 + name.length);
  doc.copy(frame, 28 + name.length);
  return frame;
}
