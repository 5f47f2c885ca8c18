/**
 * The one way berth speaks to the engine: HTTP/1.1 over node:http or node:https on the discovered
 * endpoint (unix socket, Windows named pipe, tcp, tcp+TLS; ssh through the system's ssh client,
 * see ssh.ts). One request = one call here; every call honours its AbortSignal with exactly one
 * registration (one listener per signal however many calls share it, see abort.ts), removed when the
 * call (or the stream it returned) is over, and fails only with berth
 * errors (see failure.ts for how an HTTP status becomes one).
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { AbortError, BerthError } from '../errors.js';
import { debug } from '../log.js';
import { onAbort as whenAborted } from './abort.js';
import { connectionFailure } from './connection-errors.js';
import type { EngineEndpoint } from './endpoint.js';
import { engineFailure, type Subject } from './failure.js';
import { sshAgent } from './ssh.js';

const log = debug('engine:http');

export type Query = Record<string, string | number | boolean | undefined>;

export interface EngineRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Path without the API version prefix: "/containers/create". */
  path: string;
  query?: Query;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (tar archives, build contexts). */
  body?: Readable | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Fails the call when no response has arrived in this time. */
  timeoutMs?: number;
  /** Leave out the negotiated /vX.Y prefix (the ping that negotiates it). */
  unversioned?: boolean;
  /** For messages: "inspecting container 1a2b3c". */
  what: string;
  /** What a 404 or 409 is about. */
  subject?: Subject;
}

export interface EngineResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body; ends, errors or is destroyed by an abort. Reading it to the end frees the call. */
  body: http.IncomingMessage;
}

export class Transport {
  readonly endpoint: EngineEndpoint;
  /** "/v1.41" once negotiated; "" speaks the engine's own current version. */
  prefix = '';
  readonly #agent: http.Agent | undefined;

  constructor(endpoint: EngineEndpoint) {
    this.endpoint = endpoint;
    const tls = endpoint.tls;
    if (endpoint.protocol === 'https') {
      this.#agent = new https.Agent({
        keepAlive: true,
        ...(tls?.ca ? { ca: tls.ca } : {}),
        ...(tls?.cert ? { cert: tls.cert } : {}),
        ...(tls?.key ? { key: tls.key } : {}),
        rejectUnauthorized: tls?.verify ?? true,
      });
    } else if (endpoint.protocol === 'ssh') {
      this.#agent = sshAgent(endpoint);
    } else {
      this.#agent = new http.Agent({ keepAlive: true });
    }
  }

  /** Sends a request and resolves once the response headers are in (status < 400). */
  async request(req: EngineRequest): Promise<EngineResponse> {
    const { signal } = req;
    if (signal?.aborted) throw aborted(req, signal);
    const agent = this.#agent;
    return new Promise<EngineResponse>((resolve, reject) => {
      let settled = false;
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      let payload: Buffer | Readable | undefined = req.body;
      if (req.json !== undefined) {
        payload = Buffer.from(JSON.stringify(req.json));
        headers['content-type'] = 'application/json';
      } else if (req.body !== undefined) {
        headers['content-type'] = req.contentType ?? 'application/x-tar';
      }
      if (Buffer.isBuffer(payload)) headers['content-length'] = String(payload.length);
      const target = this.endpoint.socketPath
        ? { socketPath: this.endpoint.socketPath }
        : { host: this.endpoint.host, port: this.endpoint.port };
      const options: http.RequestOptions = {
        method: req.method,
        path: `${req.unversioned ? '' : this.prefix}${req.path}${queryString(req.query)}`,
        // A socket has no host name to send; over tcp node sends the real one, which TLS checks.
        headers: this.endpoint.socketPath ? { host: 'docker', ...headers } : headers,
        ...target,
        ...(agent ? { agent } : {}),
      };
      const send = this.endpoint.protocol === 'https' ? https.request : http.request;
      const request = send(options);
      let response: http.IncomingMessage | undefined;
      let timer: NodeJS.Timeout | undefined;

      let unlisten: () => void = () => undefined;
      const cleanup = () => {
        unlisten();
        if (timer) clearTimeout(timer);
      };
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
      };
      function onAbort() {
        const error = aborted(req, signal as AbortSignal);
        if (response) response.destroy(error);
        request.destroy(error);
        fail(error);
      }
      unlisten = whenAborted(signal, onAbort);
      if (req.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const error = Object.assign(new Error('no answer in time'), { name: 'TimeoutError' });
          request.destroy(error);
        }, req.timeoutMs);
      }

      request.on('error', (error) => {
        if (settled || (error as BerthError).code === 'BERTH_ABORTED') return fail(error);
        fail(connectionFailure(error, this.endpoint, req.what));
      });
      request.on('response', (res) => {
        response = res;
        if (timer) clearTimeout(timer);
        const status = res.statusCode ?? 0;
        log('%s %s → %d', req.method, options.path, status);
        if (status >= 400) {
          readText(res).then(
            (text) => fail(this.#statusFailure(status, text, req, res)),
            (error: unknown) => fail(this.berthError(error, req.what)),
          );
          return;
        }
        settled = true;
        // The abort listener stays until the body is over, then goes.
        if (timer) clearTimeout(timer);
        res.once('close', unlisten);
        res.once('end', unlisten);
        resolve({ status, headers: res.headers, body: res });
      });

      if (payload === undefined || Buffer.isBuffer(payload)) request.end(payload);
      else {
        const body = payload;
        body.on('error', (error) => request.destroy(error));
        // A request that ends early (abort, refused, engine gone) must not leave the body's source
        // open: a build context holds a file open while it streams.
        request.once('close', () => {
          if (!body.readableEnded && !body.destroyed) body.destroy();
        });
        body.pipe(request);
      }
    });
  }

  /** Sends a request and returns the parsed JSON answer (undefined for an empty body). */
  async json<T>(req: EngineRequest): Promise<T> {
    const { body } = await this.request(req);
    let text: string;
    try {
      text = await readText(body);
    } catch (error) {
      throw this.berthError(error, req.what);
    }
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Sends a request whose answer does not matter beyond its status. */
  async call(req: EngineRequest): Promise<number> {
    const { status, body } = await this.request(req);
    body.resume();
    await new Promise<void>((resolve, reject) => {
      body.once('end', resolve);
      body.once('close', resolve);
      body.once('error', (error) => reject(this.berthError(error, req.what)));
    });
    return status;
  }

  /** A failure while a body was streaming (connection reset, engine restarted) as a berth error. */
  berthError(error: unknown, what: string): Error {
    return error instanceof BerthError ? error : connectionFailure(error, this.endpoint, what);
  }

  close(): void {
    this.#agent?.destroy();
  }

  #statusFailure(status: number, text: string, req: EngineRequest, res: http.IncomingMessage): BerthError {
    let message = text.trim();
    try {
      const parsed = JSON.parse(text) as { message?: string };
      if (parsed?.message) message = parsed.message;
    } catch {
      // plain text
    }
    // A TLS port asked in plain HTTP answers 400 with this sentence.
    if (status === 400 && /HTTP request to an HTTPS server/i.test(message)) {
      return connectionFailure(Object.assign(new Error(message), { code: 'BERTH_PLAIN_HTTP_TO_TLS' }), this.endpoint, req.what);
    }
    res.resume();
    return engineFailure(status, message || `HTTP ${status}`, req.what, req.subject);
  }
}

function aborted(req: EngineRequest, signal: AbortSignal): AbortError {
  return new AbortError(`${req.what} was aborted`, { cause: signal.reason });
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
