/**
 * Just enough of the redis protocol (RESP2) for berth's own housekeeping — AUTH, SELECT, FLUSHDB,
 * PING — so core needs no redis client. Commands go out as arrays of bulk strings; replies are
 * parsed incrementally and matched to commands in order (redis answers in order on a connection).
 */
import { connect, type Socket } from 'node:net';
import { ModuleError, RedisReplyError as RespReplyError } from '../../errors.js';

export type RespValue = string | number | null | RespValue[];

/** An error reply from the server ("-ERR ...", "-WRONGPASS ..."): RedisReplyError in errors.ts, a ModuleError. */
export { RespReplyError };

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

/**
 * Parses one reply from the start of `buffer`. Returns the value and the bytes it took, or
 * undefined when the buffer does not hold a whole reply yet.
 */
export function parseReply(buffer: Buffer, offset = 0): { value: RespValue | RespReplyError; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset] ?? 0);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespReplyError(`redis replied: ${line}`), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let error: RespReplyError | undefined;
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, end);
        if (!item) return undefined;
        if (item.value instanceof RespReplyError) error ??= item.value;
        else items.push(item.value);
        end = item.end;
      }
      return { value: error ?? items, end };
    }
    default:
      throw new ModuleError(`unexpected byte ${JSON.stringify(type)} in a redis reply`);
  }
}

interface Pending {
  resolve(value: RespValue): void;
  reject(error: unknown): void;
}

export class RespConnection {
  readonly #socket: Socket;
  readonly #pending: Pending[] = [];
  #buffer: Buffer = Buffer.alloc(0);
  #failure: Error | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new ModuleError('redis closed the connection')));
  }

  /** Connects (and authenticates when a password is given) within `timeoutMs`. */
  static async open(options: { host: string; port: number; password?: string | undefined; timeoutMs: number }): Promise<RespConnection> {
    const socket = connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ModuleError(`connecting to redis at ${options.host}:${options.port} took longer than ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ModuleError(`cannot connect to redis at ${options.host}:${options.port}: ${error.message}`, { cause: error }));
      });
    });
    const connection = new RespConnection(socket);
    if (options.password !== undefined) {
      try {
        await connection.command('AUTH', options.password);
      } catch (error) {
        connection.close();
        throw error;
      }
    }
    return connection;
  }

  command(...args: string[]): Promise<RespValue> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#socket.write(encodeCommand(args));
    });
  }

  close(): void {
    this.#failure ??= new ModuleError('redis connection was closed');
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      let reply: ReturnType<typeof parseReply>;
      try {
        reply = parseReply(this.#buffer);
      } catch (error) {
        this.#fail(error as Error);
        this.#socket.destroy();
        return;
      }
      if (!reply) return;
      this.#buffer = this.#buffer.subarray(reply.end);
      const pending = this.#pending.shift();
      if (reply.value instanceof RespReplyError) pending?.reject(reply.value);
      else pending?.resolve(reply.value);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.splice(0)) pending.reject(this.#failure);
  }
}
