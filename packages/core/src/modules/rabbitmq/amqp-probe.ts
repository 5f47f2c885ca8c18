/**
 * `probeAmqp()`: opens an AMQP 0-9-1 connection with PLAIN credentials up to `connection.open-ok`
 * on a virtual host, then closes it properly. This is what "rabbitmq is ready" means for berth: the
 * broker accepted *these* credentials on *this* vhost — not that a port answered or a line was
 * logged. Speaks the protocol over node:net so core needs no AMQP client.
 */
import { connect, type Socket } from 'node:net';
import { AbortError, ModuleError } from '../../errors.js';
import { ArgReader, ArgWriter, decodeFrames, encodeMethod, type FieldTable, type MethodFrame, PROTOCOL_HEADER } from './amqp-codec.js';

const CONNECTION = 10;
const START = 10;
const START_OK = 11;
const TUNE = 30;
const TUNE_OK = 31;
const OPEN = 40;
const OPEN_OK = 41;
const CLOSE = 50;
const CLOSE_OK = 51;

export interface AmqpProbeOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  vhost: string;
  signal?: AbortSignal;
}

export interface AmqpServerInfo {
  /** `product` of the server properties, e.g. "RabbitMQ". */
  product: string | undefined;
  version: string | undefined;
}

/**
 * The broker answered and said no (`connection.close` during the handshake): 403 ACCESS_REFUSED for
 * bad credentials, 530 NOT_ALLOWED for a vhost that is missing or not permitted.
 */
export class AmqpRefusedError extends ModuleError {
  readonly replyCode: number;
  constructor(replyCode: number, replyText: string) {
    super(`the AMQP server refused the connection: ${replyCode} ${replyText}`);
    this.replyCode = replyCode;
  }
}

/** The connection ended before the handshake finished (a port proxy with nothing behind it yet, a booting broker). */
export class AmqpClosedError extends ModuleError {}

export async function probeAmqp(options: AmqpProbeOptions): Promise<AmqpServerInfo> {
  options.signal?.throwIfAborted();
  const socket = connect({ host: options.host, port: options.port });
  socket.setNoDelay(true);
  const frames = new FrameQueue(socket);
  const onAbort = () => socket.destroy(new AbortError('AMQP probe was aborted', { cause: options.signal?.reason }));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(PROTOCOL_HEADER);
    const start = await frames.expect(START);
    const startArgs = new ArgReader(start.args);
    startArgs.octet();
    startArgs.octet();
    const server = startArgs.table();
    const mechanisms = startArgs.longstr().split(' ');
    if (!mechanisms.includes('PLAIN')) {
      throw new ModuleError(`the AMQP server does not offer PLAIN authentication (offers: ${mechanisms.join(', ')})`);
    }
    const client: FieldTable = {
      product: 'berth',
      capabilities: { authentication_failure_close: true },
    };
    const response = Buffer.from(`\0${options.user}\0${options.password}`, 'utf8');
    socket.write(
      encodeMethod(0, CONNECTION, START_OK, new ArgWriter().table(client).shortstr('PLAIN').longstr(response).shortstr('en_US').bytes()),
    );
    const tune = new ArgReader((await frames.expect(TUNE)).args);
    const channelMax = tune.short();
    const frameMax = tune.long();
    socket.write(encodeMethod(0, CONNECTION, TUNE_OK, new ArgWriter().short(channelMax).long(frameMax).short(0).bytes()));
    socket.write(encodeMethod(0, CONNECTION, OPEN, new ArgWriter().shortstr(options.vhost).shortstr('').octet(0).bytes()));
    await frames.expect(OPEN_OK);
    socket.write(encodeMethod(0, CONNECTION, CLOSE, new ArgWriter().short(200).shortstr('berth probe done').short(0).short(0).bytes()));
    await frames.expect(CLOSE_OK).catch(() => undefined); // the connection was open: that is the answer
    return { product: text(server.product), version: text(server.version) };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    socket.destroy();
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Method frames of channel 0 as they arrive; `connection.close` from the server becomes AmqpRefusedError. */
class FrameQueue {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #frames: MethodFrame[] = [];
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        const { frames, rest } = decodeFrames(Buffer.concat([this.#buffer, chunk]));
        this.#buffer = rest;
        this.#frames.push(...frames);
      } catch (error) {
        this.#failure ??= error as Error;
        socket.destroy();
      }
      this.#notify();
    });
    socket.on('error', (error) => {
      this.#failure ??= error;
      this.#notify();
    });
    socket.on('close', () => {
      this.#failure ??= new AmqpClosedError('the AMQP server closed the connection during the handshake');
      this.#notify();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async expect(methodId: number): Promise<MethodFrame> {
    for (;;) {
      const frame = this.#frames.shift();
      if (frame) {
        if (frame.classId === CONNECTION && frame.methodId === CLOSE && methodId !== CLOSE_OK) {
          const args = new ArgReader(frame.args);
          throw new AmqpRefusedError(args.short(), args.shortstr());
        }
        if (frame.classId !== CONNECTION || frame.methodId !== methodId) {
          throw new ModuleError(`unexpected AMQP method ${frame.classId}.${frame.methodId} (waiting for ${CONNECTION}.${methodId})`);
        }
        return frame;
      }
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
