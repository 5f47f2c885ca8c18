/**
 * `wait.http(path)`: an HTTP(S) request to a published port gets the expected answer. The default
 * expectation is any 2xx status — a 3xx usually means a redirect to a login or setup page, which is
 * not "ready" for a test; pass `status` to accept more. Uses node:http/https only, one fresh
 * connection per request (no keep-alive pool left behind).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { InvalidSpecError, WaitAttemptError, WaitFailedError } from '../errors.js';
import { poll, withTimeLimit } from './backoff.js';
import type { WaitStrategy } from './strategy.js';

export type StatusExpectation = number | number[] | ((status: number) => boolean);

export interface HttpOptions {
  /** Container port; default the first exposed TCP port. */
  port?: number;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  /** Expected status: one, a list, or a predicate. Default 200–299. */
  status?: StatusExpectation;
  /** Also require the body to satisfy this (sync or async). */
  body?: (body: string) => boolean | Promise<boolean>;
  /** Use HTTPS. */
  tls?: boolean;
  /** With `tls`: accept self-signed or otherwise unverifiable certificates. */
  insecure?: boolean;
  /** Time one request may take. Default 2000 ms. */
  requestTimeoutMs?: number;
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
}

/** Bodies are read up to this many bytes; enough for any readiness endpoint. */
const MAX_BODY = 1 << 20;

export function http(path = '/', options: HttpOptions = {}): WaitStrategy {
  if (!path.startsWith('/')) throw new InvalidSpecError(`expected \`path\` to start with "/", got ${JSON.stringify(path)}`);
  const method = (options.method ?? 'GET').toUpperCase();
  const accepts = statusTest(options.status);
  const requestTimeoutMs = options.requestTimeoutMs ?? 2000;
  const scheme = options.tls ? 'HTTPS' : 'HTTP';
  const on = options.port === undefined ? '' : ` on port ${options.port}`;
  const expected = options.status === undefined ? '2xx' : statusLabel(options.status);
  return {
    description: `${scheme} ${method} ${path}${on} → ${expected}${options.body ? ' with matching body' : ''}`,
    timeoutMs: options.timeoutMs,
    async wait(target, context) {
      const port = options.port ?? target.exposedPorts.find((p) => p.protocol === 'tcp')?.port;
      if (port === undefined) {
        throw new InvalidSpecError('wait.http(): no `port` given and the container exposes no TCP port');
      }
      const hostPort = target.mappedPort(port, 'tcp');
      await poll(context, async (signal) => {
        const what = `${method} ${path}`;
        const response = await withTimeLimit(signal, requestTimeoutMs, what, (limited) =>
          send(target.host, hostPort, path, method, options, limited),
        ).catch((error: unknown) => {
          throw certificateFailure(error) ?? error;
        });
        if (!accepts(response.status)) {
          throw new WaitAttemptError(`status ${response.status}${snippet(response.body)}`);
        }
        if (options.body && !(await options.body(response.body))) {
          throw new WaitAttemptError(`status ${response.status}, body did not match${snippet(response.body)}`);
        }
      });
    },
  };
}

interface Answer {
  status: number;
  body: string;
}

function send(host: string, port: number, path: string, method: string, options: HttpOptions, signal: AbortSignal): Promise<Answer> {
  const request = options.tls ? httpsRequest : httpRequest;
  const { basicAuth } = options;
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path,
        method,
        headers: { connection: 'close', ...options.headers },
        auth: basicAuth ? `${basicAuth.username}:${basicAuth.password}` : undefined,
        agent: false,
        signal,
        ...(options.tls ? { rejectUnauthorized: !options.insecure } : {}),
      },
      (res) => readBody(res).then((body) => resolve({ status: res.statusCode ?? 0, body }), reject),
    );
    req.on('error', reject);
    req.end();
  });
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size < MAX_BODY) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function statusTest(status: StatusExpectation | undefined): (code: number) => boolean {
  if (status === undefined) return (code) => code >= 200 && code < 300;
  if (typeof status === 'function') return status;
  const list = Array.isArray(status) ? status : [status];
  for (const [i, code] of list.entries()) {
    if (!Number.isInteger(code) || code < 100 || code > 599) {
      throw new InvalidSpecError(`expected \`status${Array.isArray(status) ? `[${i}]` : ''}\` to be 100–599, got ${code}`);
    }
  }
  return (code) => list.includes(code);
}

function statusLabel(status: StatusExpectation): string {
  if (typeof status === 'function') return 'accepted status';
  return Array.isArray(status) ? status.join('|') : String(status);
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return '';
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

/**
 * A certificate the client refuses will be refused on every retry too, so it ends the wait at once
 * with a pointer to `insecure` instead of timing out.
 */
function certificateFailure(error: unknown): WaitFailedError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) return undefined;
  return new WaitFailedError(`the server's TLS certificate was refused (${code})`, {
    cause: error,
    hint: 'for a self-signed test certificate pass `insecure: true` to wait.http()',
  });
}
