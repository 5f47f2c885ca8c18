// The redis module's contract against any redis-compatible image (pnpm test:contract -- redis
// <image>): the module sets no environment variables and runs the image's entrypoint with options
// only (`--requirepass`, `--databases`), so the contract is that those are honoured; redis has no
// init scripts. Then readiness from the host, the image's healthcheck if it has one, restart, fresh
// logical databases, and that stop() leaves nothing.
import { type StartedRedis, startRedis } from '@berth/core/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCommand } from '../support/resp.js';
import { contractImage, expectHealthy, expectNothingLeft, imageHealthcheck } from './support.js';

const image = contractImage('redis');
const password = 'contract-pw/1';
let server: StartedRedis;
let firstPing: string;

beforeAll(async () => {
  server = await startRedis({ image, password });
  firstPing = await redisCommand(server.url, 'PING');
});

afterAll(async () => {
  await server?.stop();
});

describe(`redis contract: ${image}`, () => {
  it('options: the password (--requirepass) is enforced and 16 databases (--databases) exist', async () => {
    const anonymous = server.url.replace(/\/\/[^@]*@/, '//');
    expect(await redisCommand(anonymous, 'PING')).toMatch(/^-NOAUTH/);
    expect(await redisCommand(server.url, 'SELECT', '15')).toBe('+OK');
    expect(await redisCommand(server.url, 'SELECT', '16')).toMatch(/^-ERR/);
  });

  it('init scripts: not part of the redis contract (the module has none)', (context) => {
    context.skip();
  });

  it('readiness: the first command from the host right after the start is answered', () => {
    expect(firstPing).toBe('+PONG');
  });

  it('healthcheck: the image’s own HEALTHCHECK reports healthy (skipped when the image has none)', async (context) => {
    if (!(await imageHealthcheck(server.container))) context.skip();
    await expectHealthy(server.container);
  });

  it('fresh databases: distinct numbers, kept apart, flushed when given back', async () => {
    const a = await server.freshDatabase();
    await using b = await server.freshDatabase();
    expect(a.db).not.toBe(b.db);
    expect(await redisCommand(a.url, 'SET', 'k', 'a')).toBe('+OK');
    expect(await redisCommand(b.url, 'GET', 'k')).toBe('$-1');
    await a.release();
    // Every database at once: the one given back must come back flushed.
    const all = await Promise.all(Array.from({ length: 14 }, () => server.freshDatabase()));
    const again = all.find((d) => d.db === a.db);
    expect(await redisCommand(again?.url ?? '', 'GET', 'k')).toBe('$-1');
    for (const d of all) await d.release();
  });

  it('restart: answers again, new port taken up, fresh databases after it', async () => {
    await server.container.restart();
    expect(server.details.port).toBe(server.container.mappedPort(6379));
    expect(await redisCommand(server.url, 'PING')).toBe('+PONG');
    await using fresh = await server.freshDatabase();
    expect(await redisCommand(fresh.url, 'SET', 'k', 'v')).toBe('+OK');
  });

  it('cleanup: stop() leaves no container, network or volume of the session', async () => {
    await server.stop();
    await expectNothingLeft();
  });
});
