import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors.js';
import { type Broker, startBroker } from './broker.js';
import type { Isolation, RunningService, ServiceDetailsBase } from './definition.js';
import { createTestHelpers, type GiveBack, type RunnerHooks } from './helpers.js';
import type { Handoff } from './start-services.js';

const brokers: Broker[] = [];
afterEach(async () => {
  await Promise.allSettled(brokers.splice(0).map((b) => b.close()));
});

const pg = {
  kind: 'postgres',
  host: 'h',
  port: 1,
  user: 'u',
  password: 'p',
  database: 'main',
  url: 'postgres://h/main',
  containerName: 'c',
};
const rd = { kind: 'redis', host: 'h', port: 2, url: 'redis://h/0', db: 0, containerName: 'r' };

function isolation(base: ServiceDetailsBase, log: string[]): Isolation {
  let n = 0;
  return {
    acquire: async () => {
      n += 1;
      log.push(`acquire ${base.kind} ${n}`);
      return { id: String(n), details: { ...base, ...(base.kind === 'redis' ? { db: n } : { database: `fresh_${n}` }) } };
    },
    release: async (id) => {
      log.push(`release ${base.kind} ${id}`);
    },
  };
}

/** A runner that records what the helpers registered, and ends tests and blocks on request. */
async function runner() {
  const log: string[] = [];
  const services: Record<string, RunningService> = {
    db: { details: pg, isolation: isolation(pg, log), stop: async () => undefined },
    cache: { details: rd, isolation: isolation(rd, log), stop: async () => undefined },
  };
  const broker = await startBroker(services);
  brokers.push(broker);
  const handoff: Handoff = { services: { db: pg, cache: rd }, env: {}, broker: broker.address };
  let inTest = false;
  const atTestEnd: GiveBack[] = [];
  const before: (() => Promise<void>)[] = [];
  const after: (() => Promise<void>)[] = [];
  const hooks: RunnerHooks = {
    handoff: () => handoff,
    onTestEnd: (fn) => {
      if (!inTest) return false;
      atTestEnd.push(fn);
      return true;
    },
    beforeAll: (fn) => before.push(fn),
    afterAll: (fn) => after.push(fn),
  };
  return {
    log,
    helpers: createTestHelpers(hooks),
    startTest: () => {
      inTest = true;
    },
    endTest: async () => {
      inTest = false;
      for (const fn of atTestEnd.splice(0)) await fn();
    },
    runBefore: async () => {
      for (const fn of before) await fn();
    },
    runAfter: async () => {
      for (const fn of after) await fn();
    },
  };
}

describe('createTestHelpers', () => {
  it('freshVhost() and freshNatsAccount() take a slice of their own kind only, and give it back', async () => {
    const r = await runner();
    r.startTest();
    const error = await r.helpers.freshVhost('cache').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ message: expect.stringMatching(/"cache" is a redis service, not rabbitmq/) });
    expect(error).toMatchObject({ hint: 'freshRedis() gives a redis database of its own' });
    await expect(r.helpers.freshNatsAccount('db')).rejects.toThrow(/"db" is a postgres service, not nats/);
    await r.endTest();
    expect(r.log).toEqual([]);
  });

  it('service() returns details, checks the kind, and names what was declared', async () => {
    const { helpers } = await runner();
    expect(helpers.service('db', 'postgres').database).toBe('main');
    expect(() => helpers.service('cache', 'postgres')).toThrow(/"cache" is a redis service, not postgres/);
    expect(() => helpers.service('nope')).toThrow(
      expect.objectContaining({ code: 'BERTH_CONFIG_ERROR', hint: 'declared services: db, cache' }),
    );
  });

  it('freshDatabase() gives a database for the test and gives it back when the test ends', async () => {
    const r = await runner();
    r.startTest();
    const db = await r.helpers.freshDatabase('db');
    expect(db.database).toBe('fresh_1');
    expect(r.log).toEqual(['acquire postgres 1']);
    await r.endTest();
    expect(r.log).toEqual(['acquire postgres 1', 'release postgres 1']);
  });

  it('freshDatabase() refuses a redis service and points at freshRedis(); freshRedis() works', async () => {
    const r = await runner();
    r.startTest();
    const error = await r.helpers.freshDatabase('cache').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ hint: 'freshRedis() gives a redis database of its own' });
    expect((await r.helpers.freshRedis('cache')).db).toBe(1);
    await r.endTest();
    expect(r.log).toContain('release redis 1');
  });

  it('refuses a per-test slice outside a test, pointing at the use… variant', async () => {
    const r = await runner();
    const error = await r.helpers.freshDatabase('db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toMatch(/useFreshDatabase/);
    expect(r.log).toEqual([]);
  });

  it('use… variants take one slice for the block and give it back after it', async () => {
    const r = await runner();
    const db = r.helpers.useFreshDatabase('db');
    expect(() => db()).toThrow(/only there inside the tests of the block/);
    await r.runBefore();
    expect(db().database).toBe('fresh_1');
    await r.runAfter();
    expect(r.log).toEqual(['acquire postgres 1', 'release postgres 1']);
  });
});

describe('the 0.1 forms, deprecated but working', () => {
  afterEach(() => vi.restoreAllMocks());
  const warnings = () => vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);

  it("freshDatabase(name, 'redis') gives a fresh redis database, with one deprecation warning", async () => {
    const emitted = warnings();
    const r = await runner();
    r.startTest();
    const legacy = r.helpers.freshDatabase as unknown as (name: string, kind: string) => Promise<{ kind: string; db: number }>;
    const first = await legacy('cache', 'redis');
    const second = await legacy('cache', 'redis');
    expect([first.kind, first.db, second.db]).toEqual(['redis', 1, 2]);
    await r.endTest();
    expect(r.log).toEqual(['acquire redis 1', 'acquire redis 2', 'release redis 1', 'release redis 2']);
    const ours = emitted.mock.calls.filter(([message]) => String(message).startsWith("freshDatabase(name, 'redis')"));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.[1]).toEqual({ type: 'DeprecationWarning', code: 'BERTH_DEPRECATED' });
    expect(String(ours[0]?.[0])).toContain('use freshRedis(name)');
  });

  it('freshDatabase() and freshRedis() without a name take the one service of that kind', async () => {
    const emitted = warnings();
    const r = await runner();
    r.startTest();
    const db = await r.helpers.freshDatabase();
    const cache = await r.helpers.freshRedis();
    expect([db.kind, cache.kind]).toEqual(['postgres', 'redis']);
    await r.endTest();
    expect(r.log).toEqual(['acquire postgres 1', 'acquire redis 1', 'release postgres 1', 'release redis 1']);
    const messages = emitted.mock.calls.map(([message]) => String(message));
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^freshDatabase\(\) without a service name is deprecated/)]));
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^freshRedis\(\) without a service name is deprecated/)]));
  });

  it('without a name and with two candidates, the error names them and takes nothing', async () => {
    warnings();
    const log: string[] = [];
    const other = { ...pg, database: 'other' };
    const handoff: Handoff = { services: { db: pg, other }, env: {} };
    const helpers = createTestHelpers({
      handoff: () => handoff,
      onTestEnd: () => true,
      beforeAll: () => log.push('beforeAll'),
      afterAll: () => log.push('afterAll'),
    });
    const error = await helpers.freshDatabase().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ summary: 'freshDatabase(): several database services were declared (db, other)' });
    expect(() => helpers.useFreshRedis()).toThrow('useFreshRedis(): no redis service was declared');
    expect(log).toEqual([]);
  });
});
