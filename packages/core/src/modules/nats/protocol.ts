/**
 * Just enough of the NATS client protocol for berth's own housekeeping, so core needs no nats
 * client: read the server's INFO line, CONNECT with credentials, PING/PONG (the server answers PONG
 * only once CONNECT was accepted), and request/reply over one inbox subscription (JetStream API
 * calls when an account is cleaned). Text lines, `MSG` payloads by byte count.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { AbortError, ModuleError } from '../../errors.js';

export interface NatsCredentials {
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
}

/** The server said `-ERR` (e.g. 'Authorization Violation'). */
export class NatsServerError extends ModuleError {}

/** The connection ended before the exchange finished. */
export class NatsClosedError extends ModuleError {}

export class NatsConnection {
  readonly info: Record<string, unknown>;
  readonly #socket: Socket;
  readonly #reader: LineReader;
  readonly #inbox = `_INBOX.berth.${randomBytes(6).toString('hex')}`;
  #subscribed = false;
  #counter = 0;

  private constructor(socket: Socket, reader: LineReader, info: Record<string, unknown>) {
    this.#socket = socket;
    this.#reader = reader;
    this.info = info;
  }

  /** Connects, authenticates and completes one PING/PONG. */
  static async open(options: { host: string; port: number; signal?: AbortSignal } & NatsCredentials): Promise<NatsConnection> {
    options.signal?.throwIfAborted();
    const socket = connect({ host: options.host, port: options.port });
    const reader = new LineReader(socket);
    const onAbort = () => socket.destroy(new AbortError('nats connection was aborted', { cause: options.signal?.reason }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const first = await reader.line();
      if (!first.startsWith('INFO ')) {
        throw new ModuleError(`expected the NATS INFO line, got ${JSON.stringify(first.slice(0, 60))} (is this a NATS server?)`);
      }
      let info: Record<string, unknown>;
      try {
        info = JSON.parse(first.slice(5)) as Record<string, unknown>;
      } catch (error) {
        throw new ModuleError('the NATS INFO line is not JSON (is this a NATS server?)', { cause: error });
      }
      const connectOptions: Record<string, unknown> = { verbose: false, pedantic: false, lang: 'berth', version: '1', protocol: 1 };
      if (options.token !== undefined) connectOptions.auth_token = options.token;
      if (options.user !== undefined) {
        connectOptions.user = options.user;
        connectOptions.pass = options.password;
      }
      socket.write(`CONNECT ${JSON.stringify(connectOptions)}\r\nPING\r\n`);
      const connection = new NatsConnection(socket, reader, info);
      await connection.#until((line) => line === 'PONG');
      return connection;
    } catch (error) {
      socket.destroy();
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Publishes `payload` to `subject` and returns the first reply. */
  async request(subject: string, payload: string, timeoutMs: number): Promise<string> {
    if (!this.#subscribed) {
      this.#socket.write(`SUB ${this.#inbox}.* 1\r\n`);
      this.#subscribed = true;
    }
    const reply = `${this.#inbox}.${++this.#counter}`;
    this.#socket.write(`PUB ${subject} ${reply} ${Buffer.byteLength(payload)}\r\n${payload}\r\n`);
    const timer = setTimeout(() => this.#socket.destroy(new ModuleError(`no reply to ${subject} within ${timeoutMs} ms`)), timeoutMs);
    try {
      for (;;) {
        const line = await this.#until((text) => text.startsWith('MSG '));
        const [, to, , ...rest] = line.split(' ');
        const size = Number(rest.at(-1));
        const body = await this.#reader.bytes(size + 2);
        if (to === reply) return body.toString('utf8', 0, size);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.#socket.destroy();
  }

  /** Reads lines, answering the server's PINGs, until `match`; `-ERR` throws. */
  async #until(match: (line: string) => boolean): Promise<string> {
    for (;;) {
      const line = await this.#reader.line();
      if (match(line)) return line;
      if (line === 'PING') this.#socket.write('PONG\r\n');
      else if (line.startsWith('-ERR')) throw new NatsServerError(`the NATS server answered ${line.slice(5).trim()}`);
    }
  }
}

/** Lines (without CRLF) and byte runs from a socket, in order. */
class LineReader {
  #buffer: Buffer = Buffer.alloc(0);
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#notify();
    });
    socket.on('error', (error) => {
      this.#failure ??= error;
      this.#notify();
    });
    socket.on('close', () => {
      this.#failure ??= new NatsClosedError('the NATS server closed the connection');
      this.#notify();
    });
  }

  async line(): Promise<string> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n');
      if (end >= 0) {
        const text = this.#buffer.toString('utf8', 0, end);
        this.#buffer = this.#buffer.subarray(end + 2);
        return text;
      }
      if (this.#buffer.length > 64 * 1024) throw new ModuleError('a NATS protocol line longer than 64 KiB (is this a NATS server?)');
      await this.#next();
    }
  }

  async bytes(count: number): Promise<Buffer> {
    while (this.#buffer.length < count) await this.#next();
    const run = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    return run;
  }

  async #next(): Promise<void> {
    if (this.#failure) throw this.#failure;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
