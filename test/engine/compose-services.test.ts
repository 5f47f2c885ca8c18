// compose() as a runner service: one start of the project shared by the compose service and the
// postgres / redis services adopted from it; fresh databases from the compose postgres; all removed
// when the run stops. Driven through startServices, the lifecycle both runner adapters use.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServices } from '@berth/core/adapter';
import { compose } from '@berth/core/compose';
import pg from 'pg';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('compose(), .postgres() and .redis() share one project and hand out fresh databases', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-compose-svc-'));
  writeFileSync(
    path.join(dir, 'compose.yaml'),
    `
services:
  db:
    image: postgres:15
    environment: { POSTGRES_USER: shop, POSTGRES_PASSWORD: s3cret-pw, POSTGRES_DB: shop }
    # The unix-socket check also answers the image's temporary init server: adopting must not trust it.
    healthcheck: { test: ["CMD-SHELL", "pg_isready -U shop -d shop"], interval: 500ms, retries: 60 }
  cache:
    image: redis:7
`,
  );
  const project = `berth-svc-${Math.random().toString(16).slice(2, 10)}`;
  const stack = compose<'db' | 'cache'>({ cwd: dir, projectName: project });
  const services = await startServices({ services: { stack, db: stack.postgres('db', { port: 5432 }), cache: stack.redis('cache') } });
  try {
    const { stack: details, db, cache } = services.handoff.services;
    expect(details.kind).toBe('compose');
    expect(details.project).toBe(project);
    expect(details.services.db.ports['5432']).toBe(db.port);
    expect(db).toMatchObject({ kind: 'postgres', user: 'shop', database: 'shop', containerName: `${project}-db-1` });
    expect(cache).toMatchObject({ kind: 'redis', db: 0, containerName: `${project}-cache-1` });
    // One project: one container per service.
    const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(2);

    const dbIsolation = services.running.db?.isolation;
    const cacheIsolation = services.running.cache?.isolation;
    if (!dbIsolation || !cacheIsolation) throw new Error('the adopted services offer no isolation');
    const lease = await dbIsolation.acquire();
    const fresh = lease.details as typeof db;
    expect(fresh.database).toMatch(/^berth_fresh_/);
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      expect((await client.query('select current_database() as db')).rows[0].db).toBe(fresh.database);
    } finally {
      await client.end();
    }
    await dbIsolation.release(lease.id);
    const slot = await cacheIsolation.acquire();
    expect((slot.details as typeof cache).db).toBeGreaterThan(0);
  } finally {
    await services.stop();
  }
  const left = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]);
  expect(left.stdout.trim()).toBe('');
});
