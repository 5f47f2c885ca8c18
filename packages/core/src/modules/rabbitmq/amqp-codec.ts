/**
 * The part of AMQP 0-9-1's wire format that opening and closing a connection needs: frames,
 * short/long strings and field tables. Method frames only (heartbeats are skipped by the reader);
 * berth never opens a channel.
 */
import { ModuleError } from '../../errors.js';

export const PROTOCOL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]); // "AMQP" 0-9-1
const FRAME_METHOD = 1;
const FRAME_HEARTBEAT = 8;
const FRAME_END = 0xce;

export type FieldValue = string | number | boolean | null | FieldTable | FieldValue[] | Buffer;
export interface FieldTable {
  [key: string]: FieldValue;
}

/** One method frame: class and method ids and the argument bytes after them. */
export interface MethodFrame {
  channel: number;
  classId: number;
  methodId: number;
  args: Buffer;
}

/** Builds method arguments field by field. */
export class ArgWriter {
  readonly #parts: Buffer[] = [];

  octet(value: number): this {
    this.#parts.push(Buffer.from([value & 0xff]));
    return this;
  }

  short(value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value);
    this.#parts.push(b);
    return this;
  }

  long(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    this.#parts.push(b);
    return this;
  }

  shortstr(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > 255) throw new ModuleError(`AMQP short string longer than 255 bytes: ${value.slice(0, 40)}…`);
    this.#parts.push(Buffer.from([bytes.length]), bytes);
    return this;
  }

  longstr(value: string | Buffer): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.long(bytes.length);
    this.#parts.push(bytes);
    return this;
  }

  table(value: FieldTable): this {
    const inner = new ArgWriter();
    for (const [key, field] of Object.entries(value)) {
      inner.shortstr(key);
      inner.#field(field);
    }
    return this.longstr(inner.bytes());
  }

  #field(value: FieldValue): void {
    if (typeof value === 'string')
      this.octet(0x53).longstr(value); // 'S'
    else if (typeof value === 'boolean')
      this.octet(0x74).octet(value ? 1 : 0); // 't'
    else if (typeof value === 'number' && Number.isInteger(value))
      this.octet(0x49).long(value >>> 0); // 'I'
    else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value))
      this.octet(0x46).table(value); // 'F'
    else throw new ModuleError(`berth's AMQP writer does not encode ${JSON.stringify(value)}`);
  }

  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** Reads method arguments field by field; throws ModuleError on truncated input. */
export class ArgReader {
  readonly #buffer: Buffer;
  #offset = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  #need(count: number): number {
    const at = this.#offset;
    if (at + count > this.#buffer.length) throw new ModuleError('truncated AMQP method arguments');
    this.#offset += count;
    return at;
  }

  octet(): number {
    return this.#buffer.readUInt8(this.#need(1));
  }

  short(): number {
    return this.#buffer.readUInt16BE(this.#need(2));
  }

  long(): number {
    return this.#buffer.readUInt32BE(this.#need(4));
  }

  shortstr(): string {
    const length = this.octet();
    const at = this.#need(length);
    return this.#buffer.toString('utf8', at, at + length);
  }

  longstrBytes(): Buffer {
    const length = this.long();
    const at = this.#need(length);
    return this.#buffer.subarray(at, at + length);
  }

  longstr(): string {
    return this.longstrBytes().toString('utf8');
  }

  table(): FieldTable {
    const inner = new ArgReader(this.longstrBytes());
    const table: FieldTable = {};
    while (!inner.done) {
      const key = inner.shortstr();
      table[key] = inner.#field();
    }
    return table;
  }

  get done(): boolean {
    return this.#offset >= this.#buffer.length;
  }

  #field(): FieldValue {
    const type = String.fromCharCode(this.octet());
    const b = this.#buffer;
    switch (type) {
      case 't':
        return this.octet() !== 0;
      case 'b':
        return b.readInt8(this.#need(1));
      case 'B':
        return this.octet();
      case 's':
        return b.readInt16BE(this.#need(2));
      case 'u':
        return this.short();
      case 'I':
        return b.readInt32BE(this.#need(4));
      case 'i':
        return this.long();
      case 'l':
        return Number(b.readBigInt64BE(this.#need(8)));
      case 'L':
      case 'T':
        return Number(b.readBigUInt64BE(this.#need(8)));
      case 'f':
        return b.readFloatBE(this.#need(4));
      case 'd':
        return b.readDoubleBE(this.#need(8));
      case 'D': {
        const scale = this.octet();
        return b.readInt32BE(this.#need(4)) / 10 ** scale;
      }
      case 'S':
        return this.longstr();
      case 'x':
        return this.longstrBytes();
      case 'F':
        return this.table();
      case 'A': {
        const inner = new ArgReader(this.longstrBytes());
        const items: FieldValue[] = [];
        while (!inner.done) items.push(inner.#field());
        return items;
      }
      case 'V':
        return null;
      default:
        throw new ModuleError(`unknown AMQP field type ${JSON.stringify(type)}`);
    }
  }
}

/** A method frame on `channel`, ready to send. */
export function encodeMethod(channel: number, classId: number, methodId: number, args: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt8(FRAME_METHOD, 0);
  header.writeUInt16BE(channel, 1);
  header.writeUInt32BE(args.length + 4, 3);
  const ids = Buffer.alloc(4);
  ids.writeUInt16BE(classId, 0);
  ids.writeUInt16BE(methodId, 2);
  return Buffer.concat([header, ids, args, Buffer.from([FRAME_END])]);
}

/**
 * Takes whole frames off the front of `buffer`. Returns the method frames found and what is left.
 * Heartbeats are dropped; anything else (content frames, a bad frame end, a server that answers
 * with its own protocol header) throws a ModuleError.
 */
export function decodeFrames(buffer: Buffer): { frames: MethodFrame[]; rest: Buffer } {
  const frames: MethodFrame[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset >= 8 && buffer.subarray(offset, offset + 4).toString('latin1') === 'AMQP') {
      const version = [...buffer.subarray(offset + 5, offset + 8)].join('-');
      throw new ModuleError(`the server refused AMQP 0-9-1 and offered protocol version ${version}`);
    }
    if (buffer.length - offset < 7) break;
    const type = buffer.readUInt8(offset);
    const channel = buffer.readUInt16BE(offset + 1);
    const size = buffer.readUInt32BE(offset + 3);
    if (type !== FRAME_METHOD && type !== FRAME_HEARTBEAT) {
      throw new ModuleError(`unexpected AMQP frame type ${type} (is this an AMQP server?)`);
    }
    if (size > 1 << 20) throw new ModuleError(`AMQP frame of ${size} bytes during the handshake (is this an AMQP server?)`);
    if (buffer.length - offset < 8 + size) break;
    if (buffer.readUInt8(offset + 7 + size) !== FRAME_END) throw new ModuleError('bad AMQP frame end (is this an AMQP server?)');
    if (type === FRAME_METHOD) {
      if (size < 4) throw new ModuleError('AMQP method frame too short');
      const payload = buffer.subarray(offset + 7, offset + 7 + size);
      frames.push({ channel, classId: payload.readUInt16BE(0), methodId: payload.readUInt16BE(2), args: payload.subarray(4) });
    }
    offset += 8 + size;
  }
  return { frames, rest: buffer.subarray(offset) };
}
