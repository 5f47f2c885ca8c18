// The initialised-image cache against the real engine: the first start with `cache: true` runs
// initdb and setup and commits the server to berth-cache/postgres:<key>; the next start with the
// same inputs runs that image with no setup; a changed input misses. `berth ls` shows the image and
// `berth prune --cache` removes it. Every image this file makes is removed by it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type StartedPostgres, startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { docker } from '../support/docker.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../packages/core/dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'berth-pg-cache-'));
const migration = join(dir, '001.sql');
const label = `pg-cache-${process.pid}-${Date.now().toString(36)}`;
const tags = new Set<string>();
let setupRuns = 0;

async function startCached(): Promise<StartedPostgres> {
  const db = await startPostgres({
    cache: true,
    tuneForTests: true,
    poolSize: 0,
    templateInputs: [dir],
    spec: { labels: { 'test.cache': label } },
    setup: async (url) => {
      setupRuns += 1;
      await query(url, readFileSync(migration, 'utf8'));
    },
  });
  const tag = /berth-cache\/postgres:[0-9a-f]{16}/.exec(db.reuse?.cache ?? '')?.[0];
  if (tag) tags.add(tag);
  return db;
}

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const tag of tags) await docker('rmi', '-f', tag).catch(() => undefined);
});

describe('the initialised-image cache', () => {
  it('commits after the first setup; the next start runs that image with no setup; a changed input misses', async () => {
    writeFileSync(migration, 'CREATE TABLE items (id int); INSERT INTO items VALUES (1), (2);');
    const first = await startCached();
    expect(first.reuse?.cache).toMatch(/^image cache miss, committed berth-cache\/postgres:[0-9a-f]{16}$/);
    expect(setupRuns).toBe(1);
    const tag = [...tags][0] as string;
    expect(await docker('image', 'inspect', '-f', '{{index .Config.Labels "dev.berth.cache"}}', tag)).toMatch(/^[0-9a-f]{64}$/);
    // The image carries no live session: its session label is blanked.
    expect(await docker('image', 'inspect', '-f', '{{index .Config.Labels "dev.berth.session"}}', tag)).toBe('');
    await first.stop();

    const second = await startCached();
    expect(second.reuse?.cache).toBe(`image cache hit ${tag}`);
    expect(second.container.image).toBe(tag);
    expect(setupRuns).toBe(1);
    const fresh = await second.freshDatabase();
    expect(await query(fresh.url, 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 2 }]);
    await fresh.release();
    await second.stop();

    writeFileSync(migration, 'CREATE TABLE items (id int, name text);');
    const third = await startCached();
    expect(third.reuse?.cache).toMatch(/^image cache miss/);
    expect(third.reuse?.cache).not.toContain(tag);
    expect(setupRuns).toBe(2);
    await third.stop();
  });

  it('berth ls shows the cache images and berth prune --cache removes them', async () => {
    expect(tags.size).toBe(2);
    const listed = JSON.parse((await run(process.execPath, [cli, 'ls', '--json'])).stdout) as { cache: { tag: string }[] };
    for (const tag of tags) expect(listed.cache.map((c) => c.tag)).toContain(tag);
    const dry = (await run(process.execPath, [cli, 'prune', '--cache', '--dry-run'])).stdout;
    for (const tag of tags) expect(dry).toContain(`would remove  image  ${tag}`);
    await run(process.execPath, [cli, 'prune', '--cache']);
    for (const tag of tags) await expect(docker('image', 'inspect', tag)).rejects.toThrow();
  });
});
