// postgres() as runner adapters use it, on every version of BERTH_PG_VERSIONS: a service definition
// whose isolation leases fresh databases, and a process that used fresh databases exits on its own
// after stop() (no connection keeps it).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ContainerNotRunningError } from '@berth/core';
import { postgres } from '@berth/core/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { POSTGRES_VERSIONS } from '../support/postgres-versions.js';

const run = promisify(execFile);

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

async function currentDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    return (await client.query('SELECT current_database() AS d')).rows[0].d;
  } finally {
    await client.end();
  }
}

describe.each(POSTGRES_VERSIONS)('postgres() service definition on $image', ({ image }) => {
  it('starts, leases distinct fresh databases, releases them, and stops', async () => {
    const definition = postgres({ image, poolSize: 2, tuneForTests: true });
    expect(definition).toMatchObject({ kind: 'postgres', image });
    const running = await definition.start({ name: 'db' });
    try {
      expect(JSON.parse(JSON.stringify(running.details))).toEqual(running.details);
      const labels = JSON.parse(await docker('inspect', '--format', '{{json .Config.Labels}}', running.details.containerName));
      expect(labels['dev.berth.service']).toBe('db');

      const isolation = running.isolation;
      if (!isolation) throw new Error('postgres() should offer isolation');
      const leases = await Promise.all([isolation.acquire(), isolation.acquire(), isolation.acquire()]);
      expect(new Set(leases.map((l) => l.id)).size).toBe(3);
      for (const lease of leases) {
        expect(lease.details).toEqual({
          ...running.details,
          database: lease.id,
          url: running.details.url.replace(/\/test$/, `/${lease.id}`),
        });
        expect(await currentDatabase(lease.details.url)).toBe(lease.id);
      }
      await Promise.all(leases.map((l) => isolation.release(l.id)));
      await isolation.release('never-leased');
      // Dropped in the background (before 13 it is first locked against connections, then dropped).
      const url = leases[0]?.details.url ?? '';
      await expect
        .poll(
          () =>
            currentDatabase(url).then(
              () => 'still there',
              (error: unknown) => String(error),
            ),
          poll(30_000, 100),
        )
        .toMatch(/does not exist/);
    } finally {
      await running.stop();
      await running.stop();
    }
    expect(await docker('ps', '-aq', '--filter', `name=^${running.details.containerName}$`)).toBe('');
    await expect(running.isolation?.acquire()).rejects.toBeInstanceOf(ContainerNotRunningError);
  });
});

describe('process lifetime', () => {
  it('a process that used fresh databases exits by itself after stop()', async () => {
    const script = `
      import { startPostgres } from '@berth/core/postgres';
      const db = await startPostgres({ poolSize: 2 });
      const fresh = await Promise.all([db.freshDatabase(), db.freshDatabase(), db.freshDatabase()]);
      await Promise.all(fresh.map((f) => f.release()));
      await db.snapshot();
      await db.stop();
      console.log('stopped at ' + Date.now());
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: process.env,
      timeout: 110_000,
    });
    const stoppedAt = Number(/stopped at (\d+)/.exec(stdout)?.[1]);
    // Exit within a few seconds of stop(): no admin connection, timer or socket keeps the loop alive.
    expect(Date.now() - stoppedAt).toBeLessThan(budget(5_000));
  });
});
