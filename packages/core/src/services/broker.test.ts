import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, CleanupError, ConfigError, ModuleError } from '../errors.js';
import { recorder } from '../trace/recorder.js';
import { acquireLease, type Broker, BrokerError, type BrokerOptions, releaseLease, startBroker, workerName } from './broker.js';
import type { Isolation, Lease, RunningService, ServiceDetailsBase } from './definition.js';

/** A running service whose isolation hands out numbered slices and remembers what it was asked. */
function fakeService(options: { acquire?: (signal?: AbortSignal) => Promise<void>; failRelease?: boolean } = {}) {
  const live = new Set<string>();
  const released: string[] = [];
  let next = 0;
  const details: ServiceDetailsBase = { kind: 'fake', host: '127.0.0.1', port: 1, containerName: 'fake' };
  const isolation: Isolation = {
    async acquire(signal) {
      await options.acquire?.(signal);
      const id = `slice-${++next}`;
      live.add(id);
      return { id, details: { ...details, port: 1000 + next, url: `fake://127.0.0.1:${1000 + next}/${id}` } as ServiceDetailsBase };
    },
    async release(id) {
      released.push(id);
      live.delete(id);
      if (options.failRelease) throw new ModuleError(`could not drop ${id}`);
    },
  };
  const service: RunningService = { details, isolation, stop: async () => undefined };
  return { service, live, released };
}

const brokers: Broker[] = [];
async function broker(services: Record<string, RunningService>, options: BrokerOptions = {}): Promise<Broker> {
  const started = await startBroker(services, options);
  brokers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.allSettled(brokers.splice(0).map((b) => b.close()));
});

describe('broker', () => {
  it('hands out a lease and takes it back', async () => {
    const db = fakeService();
    const { address } = await broker({ db: db.service });
    expect(address.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const lease = await acquireLease(address, 'db');
    expect(lease).toEqual({ id: 'slice-1', details: expect.objectContaining({ kind: 'fake', port: 1001 }) });
    expect(db.live.has('slice-1')).toBe(true);

    await releaseLease(address, 'db', lease.id);
    expect(db.live.size).toBe(0);
    // Releasing twice is fine and does not reach the service again.
    await releaseLease(address, 'db', lease.id);
    expect(db.released).toEqual(['slice-1']);
  });

  it("with keep: 'failed', sets aside the slice of a failed test and answers with its URL; a passed test's is recycled", async () => {
    const db = fakeService();
    const run = await broker({ db: db.service }, { keep: 'failed' });
    const passed = await acquireLease(run.address, 'db');
    const failed = await acquireLease(run.address, 'db');
    expect(await releaseLease(run.address, 'db', passed.id, undefined, { failed: false, test: 'a > passes' })).toBeUndefined();
    const kept = await releaseLease(run.address, 'db', failed.id, undefined, { failed: true, test: 'a > fails' });
    expect(kept).toEqual({ service: 'db', kind: 'fake', test: 'a > fails', url: 'fake://127.0.0.1:1002/slice-2', container: 'fake' });
    expect(run.kept()).toEqual([kept]);
    // The kept slice is not recycled, not even when the broker closes.
    await run.close();
    expect(db.released).toEqual(['slice-1']);
  });

  it("with keep 'off' (the default) a failed test's slice is recycled like any other", async () => {
    const db = fakeService();
    const run = await broker({ db: db.service });
    const lease = await acquireLease(run.address, 'db');
    expect(await releaseLease(run.address, 'db', lease.id, undefined, { failed: true, test: 'fails' })).toBeUndefined();
    expect(db.released).toEqual(['slice-1']);
    expect(run.kept()).toEqual([]);
  });

  it("with keep: 'all', keeps a slice given back without an outcome (a block's, or a runner that does not tell)", async () => {
    const db = fakeService();
    const run = await broker({ db: db.service }, { keep: 'all' });
    const lease = await acquireLease(run.address, 'db');
    expect(await releaseLease(run.address, 'db', lease.id)).toMatchObject({ service: 'db', url: 'fake://127.0.0.1:1001/slice-1' });
    expect(db.released).toEqual([]);
  });

  it('refuses a malformed outcome with a BrokerError', async () => {
    const db = fakeService();
    const run = await broker({ db: db.service }, { keep: 'failed' });
    const lease = await acquireLease(run.address, 'db');
    const bad = { failed: 'yes', test: 1 } as unknown as { failed: boolean; test: string };
    await expect(releaseLease(run.address, 'db', lease.id, undefined, bad)).rejects.toBeInstanceOf(BrokerError);
  });

  it('rethrows an unknown service as a ConfigError that names the services it knows', async () => {
    const { address } = await broker({ db: fakeService().service });
    const error = await acquireLease(address, 'cache').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'BERTH_CONFIG_ERROR', hint: 'services that do: db', details: { service: 'cache' } });
  });

  it("rethrows the service's own error with its class, code, hint and details", async () => {
    const failing = fakeService({
      acquire: async () => {
        throw new ModuleError('template database is busy', { hint: 'close connections to it', details: { service: 'db', phase: 'wait' } });
      },
    });
    const { address } = await broker({ db: failing.service });
    const error = await acquireLease(address, 'db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect(error).toMatchObject({
      code: 'BERTH_MODULE_ERROR',
      summary: 'template database is busy',
      hint: 'close connections to it',
      details: { service: 'db', phase: 'wait' },
    });
  });

  it('wraps a plain error from the service in a BerthError', async () => {
    const failing = fakeService({
      acquire: async () => {
        throw new TypeError('boom');
      },
    });
    const { address } = await broker({ db: failing.service });
    await expect(acquireLease(address, 'db')).rejects.toMatchObject({ code: 'BERTH_ERROR', summary: 'boom' });
  });

  it('refuses requests without the token', async () => {
    const db = fakeService();
    const { address } = await broker({ db: db.service });
    const error = await acquireLease({ ...address, token: 'guess' }, 'db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect(error).toMatchObject({ code: 'BERTH_BROKER' });
    expect(db.live.size).toBe(0);
  });

  it('rejects a release without an id', async () => {
    const { address } = await broker({ db: fakeService().service });
    await expect(releaseLease(address, 'db', '')).rejects.toBeInstanceOf(BrokerError);
  });

  it('releases outstanding leases on close, once, and then refuses to be reached', async () => {
    const db = fakeService();
    const cache = fakeService();
    const b = await broker({ db: db.service, cache: cache.service });
    await acquireLease(b.address, 'db');
    await acquireLease(b.address, 'db');
    const kept = await acquireLease(b.address, 'cache');
    await releaseLease(b.address, 'cache', kept.id);

    await Promise.all([b.close(), b.close()]);
    expect(db.released.sort()).toEqual(['slice-1', 'slice-2']);
    expect(cache.released).toEqual(['slice-1']);

    const error = await acquireLease(b.address, 'db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).hint).toMatch(/main process/);
  });

  it('collects every failed release on close into one CleanupError', async () => {
    const db = fakeService({ failRelease: true });
    const b = await broker({ db: db.service });
    await acquireLease(b.address, 'db');
    await acquireLease(b.address, 'db');
    const error = await b.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).errors).toHaveLength(2);
  });

  it('aborts an acquisition when the client gives up, and gives back a slice that arrives late', async () => {
    let sawAbort = false;
    let entered!: () => void;
    const acquiring = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const db = fakeService({
      acquire: async (signal) => {
        entered();
        // Does not reject on the signal, on purpose: the slice arrives after the client gave up, and
        // the broker must still give it back. (Waiting for the abort, not a fixed time: on a loaded
        // machine the client's hang-up may reach the broker after any fixed delay.)
        await new Promise<void>((resolve) =>
          signal?.addEventListener('abort', () => {
            sawAbort = true;
            resolve();
          }),
        );
      },
    });
    const { address } = await broker({ db: db.service });
    const controller = new AbortController();
    const pending = acquireLease(address, 'db', controller.signal);
    // Abort once the broker is working on the request (an abort before it arrives never reaches it).
    await acquiring;
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await expect.poll(() => db.released).toEqual(['slice-1']);
    expect(sawAbort).toBe(true);
    expect(db.live.size).toBe(0);
  });

  it('aborts acquisitions in flight when it closes', async () => {
    const db = fakeService({
      acquire: (signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener('abort', () => reject(new AbortError('acquire aborted')));
        }),
    });
    const b = await broker({ db: db.service });
    const pending = acquireLease(b.address, 'db').catch((e: unknown) => e);
    await sleep(20);
    await b.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('leaves no socket open in the client after a call', async () => {
    const { address } = await broker({ db: fakeService().service });
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const lease: Lease = await acquireLease(address, 'db');
    await releaseLease(address, 'db', lease.id);
    // A pooled keep-alive socket would stay open for seconds; ours close as soon as the answer is in.
    await expect.poll(sockets).toBe(0);
  });

  it('answers unknown routes with a 404 error body', async () => {
    const { address } = await broker({ db: fakeService().service });
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(new URL('/v2/db/acquire', address.url), {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${address.token}` },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    expect(JSON.parse(body)).toMatchObject({ code: 'BERTH_BROKER', message: 'no route for POST /v2/db/acquire' });
  });

  it('times every lease on its worker track: the wait, then the time held, with the test it served', async () => {
    const db = fakeService({ acquire: () => sleep(20) });
    const { address } = await broker({ db: db.service });
    const before = recorder().spans().length;
    const lease = await acquireLease(address, 'db', undefined, { test: 'suite > takes a database' });
    await sleep(10);
    await releaseLease(address, 'db', lease.id);
    const spans = recorder()
      .spans()
      .slice(before)
      .filter((s) => s.cat === 'lease');
    const track = `worker:${workerName()}`;
    expect(spans.map((s) => [s.name, s.track])).toEqual([
      ['wait db', track],
      ['lease db', track],
    ]);
    const [wait, held] = spans;
    expect(wait?.args).toEqual({ service: 'db', lease: lease.id, test: 'suite > takes a database' });
    expect((wait?.end ?? 0) - (wait?.start ?? 0)).toBeGreaterThanOrEqual(15);
    expect((held?.end ?? 0) - (held?.start ?? 0)).toBeGreaterThanOrEqual(5);
    expect(held?.args?.end).toBe('released');
  });

  it('names the worker by the runner number it sets, else by process id', () => {
    expect(workerName({ VITEST_POOL_ID: '3' }, 42)).toBe('3');
    expect(workerName({ JEST_WORKER_ID: '2' }, 42)).toBe('2');
    expect(workerName({}, 42)).toBe('pid 42');
  });
});
