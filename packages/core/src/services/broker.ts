/**
 * The lease broker: a small HTTP server in the process that started the services, through which
 * worker processes ask for isolated slices (a fresh database, a redis db) and give them back.
 *
 * Workers only know a `BrokerAddress` (plain JSON, part of the hand-off). The server listens on
 * 127.0.0.1 on a random port and accepts only requests that carry its bearer token. Errors travel as
 * JSON `{ code, message, hint, details }` and the client turns them back into the berth error class
 * with that code, so a test sees the same error it would have seen in-process.
 *
 * Routes:
 *   POST /v1/<service>/acquire  { worker, test, requestedAt }  -> 200 Lease
 *   POST /v1/<service>/release  { id, outcome? }                -> 204, or 200 { kept } when the run keeps it
 *
 * Both bodies may carry `{ from, spans }`: with BERTH_TRACE set, a worker's recorded spans ride along
 * with its lease requests (see trace/recorder.ts), so the trace file holds every process's work. The
 * broker times every lease (requested, handed out, released) on the worker's track of the timeline.
 *
 * `outcome` ({ failed, test }) says how the test that held the slice ended; with a keep mode
 * (services/keep.ts) the broker then sets the slice aside instead of recycling it and answers with
 * what it kept, so the worker can name it in the test's failure output.
 *
 * The client opens one connection per request and closes it (`agent: false`): nothing lingers that
 * would keep a worker alive or show up in jest's --detectOpenHandles.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config } from '../config.js';
import * as errors from '../errors.js';
import {
  AbortError,
  BerthError,
  type BerthErrorOptions,
  BrokerError,
  CleanupError,
  ConfigError,
  type ErrorDetails,
  RunStoppingError,
  throwIfAborted,
} from '../errors.js';
import { debug } from '../log.js';
import { now, recorder, type Span, workerName } from '../trace/recorder.js';

export { workerName };

import type { Lease, RunningService, ServiceDetailsBase } from './definition.js';
import { type KeepMode, type KeptSlice, keeps, type TestOutcome } from './keep.js';

/** Lives in errors.ts with the whole hierarchy; re-exported for older imports. */
export { BrokerError };

const log = debug('broker');
const MAX_BODY_BYTES = 64 * 1024;

/** Where workers reach the broker. Plain JSON; travels inside the hand-off. */
export interface BrokerAddress {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  /** Bearer token every request must carry. */
  token: string;
}

export interface Broker {
  readonly address: BrokerAddress;
  /** Stops accepting requests, aborts acquisitions in flight, releases every outstanding lease. Idempotent. */
  close(): Promise<void>;
  /**
   * The run is stopping (a signal, or teardown began): from now on every request, and every
   * acquisition in flight, fails with `reason` alone, whatever the vanishing services would have
   * answered. close() still gives back what is out.
   */
  stopping(reason: BerthError): void;
  /** The slices set aside for the run's keep mode, in the order they were kept. */
  kept(): readonly KeptSlice[];
}

export interface BrokerOptions {
  /** What happens to a slice given back with its test's outcome (default 'off': always recycled). */
  keep?: KeepMode;
}

/** Talking to the broker failed (it is gone, refused the token, or answered something unexpected). */

/** What the server sends for a failed request. */
interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
  details?: ErrorDetails;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: BerthError,
  ) {
    super(error.message);
  }
}

// ---------------------------------------------------------------------------------------------------
// server

/** Starts the broker for the services that offer isolation. */
export async function startBroker(services: Readonly<Record<string, RunningService>>, options: BrokerOptions = {}): Promise<Broker> {
  const keepMode = options.keep ?? 'off';
  const kept: KeptSlice[] = [];
  const token = randomBytes(24).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  /** Outstanding leases by service (id -> details), so close() can give them back. */
  const outstanding = new Map<string, Map<string, ServiceDetailsBase>>();
  /** Acquisitions still running; close() aborts them. */
  const acquiring = new Set<AbortController>();
  /** Every request being handled; close() waits for them. */
  const handling = new Set<Promise<void>>();
  let closing = false;
  /** Set once the run stops: the one error every request gets from then on. */
  let stopReason: BerthError | undefined;
  /** Leases handed out, for the timeline: whom each served and when. */
  const timings = new Map<string, LeaseTiming>();

  const authorised = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const isolationOf = (name: string) => {
    const service = Object.hasOwn(services, name) ? services[name] : undefined;
    if (!service) {
      const declared = Object.keys(services);
      throw new HttpFailure(
        404,
        new ConfigError(`no service named ${JSON.stringify(name)} hands out isolated slices`, {
          hint: declared.length > 0 ? `services that do: ${declared.join(', ')}` : 'no declared service offers isolation',
          details: { service: name },
        }),
      );
    }
    const isolation = service.isolation;
    if (!isolation) {
      throw new HttpFailure(
        404,
        new ConfigError(`service ${JSON.stringify(name)} does not hand out isolated slices`, { details: { service: name } }),
      );
    }
    return isolation;
  };

  const acquire = async (name: string, req: IncomingMessage, body: unknown): Promise<Lease> => {
    const received = now();
    const isolation = isolationOf(name);
    const controller = new AbortController();
    // The worker hung up before its answer (its test timed out, it was killed): stop working for it.
    const onGone = () => controller.abort(new Error('the client went away'));
    req.socket.once('close', onGone);
    acquiring.add(controller);
    try {
      const lease = await isolation.acquire(controller.signal);
      if (controller.signal.aborted || closing) {
        // Nobody will ever release this one: do it now.
        await isolation
          .release(lease.id)
          .catch((error: unknown) => log('releasing orphaned lease %s of %s failed: %s', lease.id, name, String(error)));
        throw new HttpFailure(503, new AbortError(`acquiring a slice of ${name} was abandoned`, { details: { service: name } }));
      }
      const ids = outstanding.get(name) ?? new Map<string, ServiceDetailsBase>();
      outstanding.set(name, ids);
      ids.set(lease.id, lease.details);
      timings.set(`${name}\0${lease.id}`, leaseTiming(body, received));
      log('leased %s/%s', name, lease.id);
      return lease;
    } finally {
      acquiring.delete(controller);
      req.socket.off('close', onGone);
    }
  };

  const release = async (name: string, body: unknown): Promise<KeptSlice | undefined> => {
    const isolation = isolationOf(name);
    const id = (body as { id?: unknown } | null)?.id;
    const outcome = outcomeOf((body as { outcome?: unknown } | null)?.outcome);
    if (typeof id !== 'string' || id === '' || outcome === null) {
      throw new HttpFailure(
        400,
        new BrokerError(
          `expected a JSON body { "id": string, "outcome"?: { "failed": boolean, "test": string } } to release a slice of ${name}, got ${JSON.stringify(body)}`,
        ),
      );
    }
    const ids = outstanding.get(name);
    const details = ids?.get(id);
    // Unknown or already released: releasing is idempotent.
    if (!ids || !details) return undefined;
    ids.delete(id);
    if (keeps(keepMode, outcome)) {
      recordLease(name, id, 'kept (the test failed)');
      const slice: KeptSlice = {
        service: name,
        kind: details.kind,
        test: outcome?.test ?? '(a block, or a runner that does not name its tests)',
        url: (details as { url?: unknown }).url as string,
        container: details.containerName,
      };
      kept.push(slice);
      log('kept %s/%s for %s', name, id, slice.test);
      return slice;
    }
    recordLease(name, id, 'released');
    await isolation.release(id);
    log('released %s/%s', name, id);
    return undefined;
  };

  /** Puts a lease that ended on its worker's track: the wait for it, then the time it was held. */
  const recordLease = (name: string, id: string, how: string): void => {
    const key = `${name}\0${id}`;
    const timing = timings.get(key);
    if (!timing) return;
    timings.delete(key);
    const track = `worker:${timing.worker}`;
    const args = { service: name, lease: id, ...(timing.test ? { test: timing.test } : {}) };
    const trace = recorder();
    trace.record({ name: `wait ${name}`, cat: 'lease', track, start: timing.requestedAt, end: timing.handedOutAt, args });
    trace.record({ name: `lease ${name}`, cat: 'lease', track, start: timing.handedOutAt, end: now(), args: { ...args, end: how } });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!authorised(req)) throw new HttpFailure(401, new BrokerError('the broker refused a request without its token'));
      if (stopReason) throw new HttpFailure(503, stopReason);
      if (closing) throw new HttpFailure(503, new BrokerError('the broker is shutting down (the test run is ending)'));
      const match = /^\/v1\/([^/]+)\/(acquire|release)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) throw new HttpFailure(404, new BrokerError(`no route for ${req.method} ${req.url}`));
      const name = decodeURIComponent(match[1] as string);
      const body = await readJson(req);
      takeSpans(body);
      if (match[2] === 'acquire') {
        send(res, 200, await acquire(name, req, body));
      } else {
        const slice = await release(name, body);
        if (slice) send(res, 200, { kept: slice });
        else res.writeHead(204).end();
      }
    } catch (error) {
      // While the run stops, whatever went wrong (an aborted clone, a refused connection) is a
      // consequence of stopping: say that, once, instead of the cascade.
      const failure = stopReason
        ? new HttpFailure(503, stopReason)
        : error instanceof HttpFailure
          ? error
          : new HttpFailure(500, toBerthError(error));
      send(res, failure.status, serialise(failure.error));
    }
  };

  const server = createServer((req, res) => {
    const done = handle(req, res)
      .catch((error: unknown) => log('answering %s failed: %s', req.url, String(error)))
      .finally(() => handling.delete(done));
    handling.add(done);
  });
  await listen(server);
  // The broker never keeps its process alive by itself; the run's lifecycle decides.
  server.unref();
  const { port } = server.address() as AddressInfo;
  const address: BrokerAddress = { url: `http://127.0.0.1:${port}`, token };
  log('listening on %s for %s', address.url, Object.keys(services).join(', '));

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const controller of acquiring) controller.abort(new Error('the broker is closing'));
    await Promise.allSettled(handling);
    server.closeAllConnections();
    const releases: Promise<void>[] = [];
    for (const [name, ids] of outstanding) {
      const isolation = services[name]?.isolation;
      for (const id of ids.keys()) {
        recordLease(name, id, 'released at the end of the run');
        if (isolation) releases.push(isolation.release(id));
      }
      ids.clear();
    }
    const results = await Promise.allSettled(releases);
    await stopped;
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw new CleanupError(`releasing ${failures.length} outstanding slice(s) failed`, failures);
  };
  return {
    address,
    close: () => {
      closed ??= close();
      return closed;
    },
    stopping: (reason) => {
      stopReason ??= reason;
      for (const controller of acquiring) controller.abort(reason);
    },
    kept: () => [...kept],
  };
}

interface LeaseTiming {
  worker: string;
  test: string | undefined;
  requestedAt: number;
  handedOutAt: number;
}

/** Whom a lease serves and when it was asked for, from the acquire's body (checked: a bad field is left out). */
function leaseTiming(body: unknown, received: number): LeaseTiming {
  const about = (typeof body === 'object' && body !== null ? body : {}) as { worker?: unknown; test?: unknown; requestedAt?: unknown };
  const handedOutAt = now();
  // The worker's clock is the same wall clock; a request stamped after the broker received it (or
  // far before: a stuck clock) falls back to the broker's own time.
  const asked = typeof about.requestedAt === 'number' && about.requestedAt <= received && received - about.requestedAt < 600_000;
  return {
    worker: typeof about.worker === 'string' && about.worker !== '' ? about.worker.slice(0, 100) : 'unknown',
    test: typeof about.test === 'string' && about.test !== '' ? about.test.slice(0, 300) : undefined,
    requestedAt: asked ? (about.requestedAt as number) : received,
    handedOutAt,
  };
}

/** Spans a worker sent along with its request, added to this process's recorder. */
function takeSpans(body: unknown): void {
  const carried = body as { from?: unknown; spans?: unknown } | null;
  if (typeof carried?.from === 'string' && Array.isArray(carried.spans)) recorder().add(carried.from, carried.spans);
}

/** A release's `outcome`: undefined when absent, null when malformed. */
function outcomeOf(value: unknown): TestOutcome | undefined | null {
  if (value === undefined) return undefined;
  const candidate = value as Partial<TestOutcome> | null;
  if (typeof candidate?.failed !== 'boolean' || typeof candidate.test !== 'string') return null;
  return { failed: candidate.failed, test: candidate.test };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpFailure(413, new BrokerError(`request body over ${MAX_BODY_BYTES} bytes`));
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpFailure(400, new BrokerError('request body is not JSON'));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function toBerthError(error: unknown): BerthError {
  if (error instanceof BerthError) return error;
  // A berth error from another copy of core (a config loaded through a bundler's module runner
  // may bring its own): same shape, same code, so it travels as what it is.
  if (isBerthErrorLike(error)) return error as unknown as BerthError;
  return new BerthError(error instanceof Error ? error.message : String(error), { cause: error });
}

function isBerthErrorLike(error: unknown): boolean {
  const candidate = error as { code?: unknown; summary?: unknown; details?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.code === 'string' &&
    candidate.code.startsWith('BERTH_') &&
    typeof candidate.summary === 'string' &&
    typeof candidate.details === 'object'
  );
}

function serialise(error: BerthError): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.summary };
  if (error.hint !== undefined) body.hint = error.hint;
  const details = jsonSafe(error.details);
  if (details && Object.keys(details).length > 0) body.details = details;
  return body;
}

function jsonSafe(details: ErrorDetails): ErrorDetails | undefined {
  try {
    return JSON.parse(JSON.stringify(details)) as ErrorDetails;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// client

/** Whom a lease is for, for the run's timeline. */
export interface LeaseRequester {
  /** The test that asked (its full name), when the runner says. */
  test?: string | undefined;
}

/** Asks the broker for an isolated slice of `service`. Usable from any process of the run. */
export async function acquireLease<L extends Lease = Lease>(
  address: BrokerAddress,
  service: string,
  signal?: AbortSignal,
  requester: LeaseRequester = {},
): Promise<L> {
  const about = { worker: workerName(), requestedAt: now(), ...(requester.test ? { test: requester.test } : {}) };
  const body = await call(address, service, 'acquire', withSpans(about), signal);
  const lease = body as Partial<Lease> | undefined;
  if (typeof lease?.id !== 'string' || typeof lease.details !== 'object' || lease.details === null) {
    throw new BrokerError(`the broker answered an acquire of ${service} with something that is not a lease`, {
      details: { service, body: body as unknown },
    });
  }
  return lease as L;
}

/**
 * Gives a slice back. Idempotent: an unknown or already released id is fine. With the `outcome` of
 * the test that held it, a run that keeps slices (services/keep.ts) may set it aside instead: then
 * the answer is what was kept, for the test's failure output.
 */
export async function releaseLease(
  address: BrokerAddress,
  service: string,
  id: string,
  signal?: AbortSignal,
  outcome?: TestOutcome,
): Promise<KeptSlice | undefined> {
  const body = await call(address, service, 'release', withSpans(outcome ? { id, outcome } : { id }), signal);
  const slice = (body as { kept?: KeptSlice } | undefined)?.kept;
  return typeof slice?.url === 'string' ? slice : undefined;
}

/** Spans forwarded per request: well inside the broker's body limit. */
const SPANS_PER_REQUEST = 150;

/** With BERTH_TRACE set, the spans this realm recorded since its last request ride along. */
function withSpans<T extends object>(payload: T): T | (T & { from: string; spans: Span[] }) {
  if (!config().tracePath) return payload;
  const trace = recorder();
  const spans = trace.takeUnforwarded(SPANS_PER_REQUEST);
  return spans.length > 0 ? { ...payload, from: trace.id, spans } : payload;
}

function call(
  address: BrokerAddress,
  service: string,
  action: 'acquire' | 'release',
  payload: unknown,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const what = `${action} of a ${service} slice`;
  throwIfAborted(signal, what);
  const url = new URL(`/v1/${encodeURIComponent(service)}/${action}`, address.url);
  const text = payload === undefined ? '' : JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        // One connection per call, closed afterwards: no pooled socket outlives the request.
        agent: false,
        headers: {
          authorization: `Bearer ${address.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          connection: 'close',
        },
        ...(signal ? { signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(transportError(error, address, what, signal)));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = raw === '' ? undefined : JSON.parse(raw);
          } catch {
            reject(
              new BrokerError(`the broker answered the ${what} with status ${status} and a body that is not JSON`, {
                details: { service, status },
              }),
            );
            return;
          }
          if (status >= 200 && status < 300) resolve(parsed);
          else {
            const error = revive(parsed, status, service);
            if (error.code === 'BERTH_RUN_STOPPING') stoppingSeen.add(address.url);
            reject(error);
          }
        });
      },
    );
    req.on('error', (error) => reject(transportError(error, address, what, signal)));
    req.end(text);
  });
}

/** Brokers that said their run is stopping: once they are gone, that is why. */
const stoppingSeen = new Set<string>();

function transportError(error: Error, address: BrokerAddress, what: string, signal: AbortSignal | undefined): BerthError {
  if (signal?.aborted) return new AbortError(`${what} was aborted`, { cause: signal.reason });
  if (stoppingSeen.has(address.url)) {
    return new RunStoppingError(`the test run is stopping: the broker has gone (${what})`, {
      cause: error,
      hint: 'nothing to fix in the test: the run was interrupted',
    });
  }
  return new BrokerError(`could not reach the berth broker at ${address.url} for the ${what}: ${error.message}`, {
    cause: error,
    hint: 'the broker lives in the test runner’s main process; it is gone once the run has ended or the runner was killed',
  });
}

type ErrorFactory = (message: string, options: BerthErrorOptions) => BerthError;

let factories: Map<string, ErrorFactory> | undefined;

/** How to rebuild each berth error class, by code (read once from the error module; codes are distinct). */
function errorFactories(): Map<string, ErrorFactory> {
  if (factories) return factories;
  factories = new Map<string, ErrorFactory>([
    // CleanupError takes its list of failures second; the failures themselves stay in the other process.
    [CleanupError.code, (message, options) => new CleanupError(message, [], options)],
  ]);
  for (const value of Object.values(errors)) {
    if (typeof value !== 'function' || value === CleanupError) continue;
    if (value !== BerthError && !(value.prototype instanceof BerthError)) continue;
    const Ctor = value as (new (message: string, options: BerthErrorOptions) => BerthError) & { code: string };
    factories.set(Ctor.code, (message, options) => new Ctor(message, options));
  }
  return factories;
}

/** Rebuilds the berth error the server sent; unknown codes become a BrokerError that keeps the code. */
function revive(body: unknown, status: number, service: string): BerthError {
  const error = body as Partial<ErrorBody> | undefined;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    return new BrokerError(`the broker answered with status ${status} and no error description`, { details: { service, status } });
  }
  const options: BerthErrorOptions = { details: { ...(error.details ?? {}) } };
  if (error.hint !== undefined) options.hint = error.hint;
  const rebuild = errorFactories().get(error.code);
  if (rebuild) return rebuild(error.message, options);
  return new BrokerError(error.message, { ...options, details: { ...options.details, remoteCode: error.code } });
}
