import { deserialize, serialize, type Document } from 'bson';
import { adoptDocuments } from './bson-values.js';
import { ErrorCode, ServerError } from './server-error.js';

/** Opcodes of the MongoDB wire protocol this server speaks. */
export const OpCode = { REPLY: 1, QUERY: 2004, COMPRESSED: 2012, MSG: 2013 } as const;

/** Largest message accepted, as advertised in `hello.maxMessageSizeBytes`. */
export const MAX_MESSAGE_SIZE = 48_000_000;
const HEADER_SIZE = 16;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;
const EXHAUST_ALLOWED = 1 << 16;
const KNOWN_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME | EXHAUST_ALLOWED;

const deserializeOptions = { promoteValues: false, promoteBuffers: false } as const;

/** A decoded request: the command document (with document sequences folded in) and reply routing. */
export interface Request {
  requestId: number;
  opCode: number;
  command: Document;
  /** The client expects no reply (OP_MSG moreToCome). */
  isFireAndForget: boolean;
  /** The client accepts a stream of replies to this request (OP_MSG exhaustAllowed). */
  isExhaustAllowed: boolean;
}

/** A frame that cannot be parsed at all: the connection must be closed. */
export class FramingError extends Error {}

/** Reads the length prefix of the next message; throws FramingError for impossible lengths. */
export function messageLength(buffer: Buffer): number | undefined {
  if (buffer.length < 4) return undefined;
  const length = buffer.readInt32LE(0);
  if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE)
    throw new FramingError(`invalid message length ${length}`);
  return length;
}

function readDocument(buffer: Buffer, offset: number, limit: number): { doc: Document; size: number } {
  if (offset + 4 > limit) throw new ServerError(ErrorCode.InvalidBSON, 'truncated BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > limit)
    throw new ServerError(ErrorCode.InvalidBSON, `invalid BSON document size ${size}`);
  try {
    // Field names are data: no decoded document may inherit from Object.prototype (see adoptDocuments).
    const doc = adoptDocuments(deserialize(buffer.subarray(offset, offset + size), deserializeOptions));
    return { doc, size };
  } catch (error) {
    throw new ServerError(ErrorCode.InvalidBSON, `invalid BSON: ${(error as Error).message}`);
  }
}

function readCString(buffer: Buffer, offset: number, limit: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0 || end >= limit) throw new ServerError(ErrorCode.InvalidBSON, 'unterminated C string');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

function parseMsg(frame: Buffer): Document {
  const flags = frame.readUInt32LE(HEADER_SIZE);
  if ((flags & 0xffff & ~KNOWN_FLAGS) !== 0)
    throw new ServerError(ErrorCode.FailedToParse, `Unrecognized flags in OP_MSG: ${flags}`);
  const end = frame.length - ((flags & CHECKSUM_PRESENT) !== 0 ? 4 : 0);
  let position = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (position < end) {
    const kind = frame[position++];
    if (kind === 0) {
      if (body !== undefined)
        throw new ServerError(ErrorCode.FailedToParse, 'OP_MSG has more than one body section');
      const { doc, size } = readDocument(frame, position, end);
      body = doc;
      position += size;
    } else if (kind === 1) {
      if (position + 4 > end) throw new ServerError(ErrorCode.InvalidBSON, 'truncated document sequence');
      const sectionEnd = position + frame.readInt32LE(position);
      if (sectionEnd > end || sectionEnd < position + 5)
        throw new ServerError(ErrorCode.InvalidBSON, 'invalid document sequence size');
      const { value: identifier, next } = readCString(frame, position + 4, sectionEnd);
      const docs: Document[] = [];
      let cursor = next;
      while (cursor < sectionEnd) {
        const { doc, size } = readDocument(frame, cursor, sectionEnd);
        docs.push(doc);
        cursor += size;
      }
      sequences.push([identifier, docs]);
      position = sectionEnd;
    } else {
      throw new ServerError(ErrorCode.FailedToParse, `Unknown section kind ${String(kind)} in OP_MSG`);
    }
  }
  if (body === undefined)
    throw new ServerError(ErrorCode.FailedToParse, 'OP_MSG requires a document section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return body;
}

function parseQuery(frame: Buffer): Document {
  const { value: namespace, next } = readCString(frame, HEADER_SIZE + 4, frame.length);
  const { doc } = readDocument(frame, next + 8, frame.length);
  if (!namespace.endsWith('.$cmd'))
    throw new ServerError(
      ErrorCode.NotImplemented,
      'OP_QUERY is only supported for commands (handshake); use OP_MSG',
    );
  const command = doc.$query !== undefined && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  command.$db = namespace.slice(0, -'.$cmd'.length);
  return command;
}

/**
 * Decodes one complete frame. Header-level garbage throws FramingError (close the connection);
 * a well-framed message with bad content throws ServerError (answer with an error).
 */
export function parseRequest(frame: Buffer): Request {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OpCode.MSG) {
    if (frame.length < HEADER_SIZE + 5) throw new FramingError('OP_MSG too short');
    const flags = frame.readUInt32LE(HEADER_SIZE);
    const isFireAndForget = (flags & MORE_TO_COME) !== 0;
    const isExhaustAllowed = (flags & EXHAUST_ALLOWED) !== 0;
    try {
      return { requestId, opCode, command: parseMsg(frame), isFireAndForget, isExhaustAllowed };
    } catch (error) {
      if (error instanceof ServerError) throw Object.assign(error, { requestId, opCode, isFireAndForget });
      throw error;
    }
  }
  if (opCode === OpCode.QUERY) {
    try {
      return {
        requestId,
        opCode,
        command: parseQuery(frame),
        isFireAndForget: false,
        isExhaustAllowed: false,
      };
    } catch (error) {
      if (error instanceof ServerError)
        throw Object.assign(error, { requestId, opCode, isFireAndForget: false });
      throw error;
    }
  }
  throw new FramingError(`unsupported opcode ${opCode}`);
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER_SIZE);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

/**
 * Encodes a reply in the format of the request: OP_MSG, or OP_REPLY for a legacy OP_QUERY.
 * `isMoreToCome` (OP_MSG only) tells the client that further replies follow without a new request.
 */
export function encodeReply(
  request: { requestId: number; opCode: number },
  replyId: number,
  reply: Document,
  isMoreToCome = false,
): Buffer {
  const body = serialize(reply, { ignoreUndefined: true });
  if (request.opCode === OpCode.QUERY) {
    const prefix = Buffer.allocUnsafe(20);
    prefix.writeInt32LE(8, 0); // responseFlags: AwaitCapable
    prefix.writeBigInt64LE(0n, 4); // cursorID
    prefix.writeInt32LE(0, 12); // startingFrom
    prefix.writeInt32LE(1, 16); // numberReturned
    return Buffer.concat([
      header(HEADER_SIZE + 20 + body.length, replyId, request.requestId, OpCode.REPLY),
      prefix,
      body,
    ]);
  }
  const out = Buffer.allocUnsafe(HEADER_SIZE + 5 + body.length);
  header(out.length, replyId, request.requestId, OpCode.MSG).copy(out, 0);
  out.writeUInt32LE(isMoreToCome ? MORE_TO_COME : 0, HEADER_SIZE);
  out[HEADER_SIZE + 4] = 0;
  out.set(body, HEADER_SIZE + 5);
  return out;
}
