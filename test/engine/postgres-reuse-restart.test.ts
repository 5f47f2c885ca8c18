// restart() of a postgres container reused across runs: the restart ends this run's hold on the
// server (its run connection, by which other runs tell live runs from dead ones), so berth refuses
// to go on with it and says why, at once, rather than letting another run drop this run's fresh
// databases. The test removes the container it reused and its markers.
import { endSession } from '@berth/core';
import { type StartedPostgres, startPostgres } from '@berth/core/postgres';
import { afterAll, expect, it } from 'vitest';
import { docker } from '../support/docker.js';

// This file's run reuses even on CI (config is read on the first start, after this line).
process.env.BERTH_REUSE = 'force';

// A label unique to this test run keeps its identity apart from anyone else's reused postgres.
const label = `pg-reuse-restart-${process.pid}-${Date.now().toString(36)}`;
let db: StartedPostgres | undefined;

afterAll(async () => {
  await db?.stop().catch(() => undefined);
  await endSession();
  const ids = (await docker('ps', '-aq', '--filter', `label=test.reuse=${label}`)).split('\n').filter(Boolean);
  const hashes = ids.length ? (await docker('inspect', '-f', '{{index .Config.Labels "dev.berth.reuse"}}', ...ids)).split('\n') : [];
  if (ids.length) await docker('rm', '-f', '-v', ...ids);
  for (const hash of hashes) {
    for (const marker of ['last-use', 'ready']) {
      const volumes = (await docker('volume', 'ls', '-q', '--filter', `label=dev.berth.reuse.${marker}=${hash}`))
        .split('\n')
        .filter(Boolean);
      if (volumes.length) await docker('volume', 'rm', '-f', ...volumes);
    }
  }
});

it('a reused postgres fails fresh databases at once after restart(), saying the run lost its hold', async () => {
  db = await startPostgres({ image: 'postgres:15', reuse: true, poolSize: 1, spec: { labels: { 'test.reuse': label } } });
  await (await db.freshDatabase()).release();
  await db.container.restart();
  expect(db.details.port).toBe(db.container.mappedPort(5432));
  await expect(db.freshDatabase()).rejects.toMatchObject({
    code: 'BERTH_MODULE_ERROR',
    message: expect.stringMatching(/reused across runs and was restarted/),
  });
  await expect(db.snapshot()).rejects.toThrow(/this run's hold on it ended/);
});
