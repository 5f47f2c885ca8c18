// The postgres stand-ins' entrypoint contract, through the docker CLI (independent of berth's
// module): what init scripts written for the official image rely on (the helper functions for
// sourced *.sh, a sourceable entrypoint for executable ones, .sql.gz/.xz/.zst), en_US.utf8 as the
// default collation, a real initdb on every first start, POSTGRES_INITDB_ARGS / PGDATA / _FILE /
// POSTGRES_HOST_AUTH_METHOD, the TCP listener only after the temporary server stopped, and the
// official errors (no password; an init folder the server user cannot read).
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { POSTGRES_VERSIONS } from '../support/postgres-versions.js';

const started: string[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(started.map((id) => docker('rm', '-f', '-v', id).catch(() => undefined)));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

async function run(image: string, args: string[]): Promise<string> {
  const id = await docker(
    'run',
    '-d',
    '--label',
    `dev.berth.session=${process.env.BERTH_SESSION_ID}`,
    '-p',
    '127.0.0.1::5432',
    ...args,
    image,
  );
  started.push(id);
  return id;
}

/** stdout and stderr interleaved as written. */
function logs(id: string): Promise<string> {
  return new Promise((resolve) =>
    execFile('sh', ['-c', 'docker logs "$1" 2>&1', 'sh', id], { maxBuffer: 8 * 1024 * 1024 }, (_e, out) => resolve(out)),
  );
}

const READY = /database system is ready to accept connections/;

/**
 * Waits until the real server is up (a ready line after the init-complete or skipping line), or the
 * container has exited. Initdb plus the init scripts take seconds, more on a loaded machine.
 */
async function readyOrExited(id: string): Promise<{ log: string; running: boolean }> {
  const deadline = Date.now() + budget(120_000);
  for (;;) {
    const running = (await docker('inspect', '--format', '{{.State.Running}}', id)) === 'true';
    const log = await logs(id);
    // The real server's lines: after the temporary one's shutdown (stderr, as they are: the
    // entrypoint's stdout lines may come later in `docker logs`), or after "Skipping initialization".
    const shutdown = log.indexOf('database system is shut down');
    const after = shutdown >= 0 ? log.slice(shutdown) : log.split(/Skipping initialization/)[1];
    if (after !== undefined && READY.test(after)) return { log, running };
    if (!running) {
      // The log driver may not have the last lines of a quick exit yet.
      await sleep(200);
      return { log: await logs(id), running };
    }
    if (Date.now() > deadline) throw new Error(`${id} neither became ready nor exited in time:\n${log}`);
    await sleep(100);
  }
}

async function url(id: string, user: string, password: string, database: string): Promise<string> {
  const port = (await docker('port', id, '5432')).split('\n')[0]?.split(':').at(-1);
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function query<T = Record<string, unknown>>(connectionString: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: budget(30_000) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function initDir(files: Record<string, string | Buffer>, executable: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-pg-image-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(dir, name), body, { mode: executable.includes(name) ? 0o755 : 0o644 });
  chmodSync(dir, 0o755);
  return dir;
}

describe.each(POSTGRES_VERSIONS)('postgres stand-in entrypoint ($image)', ({ image }) => {
  it('runs init scripts as the official image does: sourced .sh with the helpers, executable .sh, .sql.gz; en_US collation; TCP only after the temporary server', async () => {
    const dir = initDir(
      {
        // Sourced: the entrypoint's functions and variables are in scope.
        '1-sourced.sh': [
          'file_env BERTH_GREETING "from file_env default"',
          `docker_process_sql --set greeting="$BERTH_GREETING" <<<"CREATE TABLE words (w text); INSERT INTO words VALUES (:'greeting');"`,
          'echo "sourced by $0 with POSTGRES_DB=$POSTGRES_DB"',
        ].join('\n'),
        '2-rows.sql.gz': gzipSync("INSERT INTO words VALUES ('b'), ('A'), ('a'), ('B');"),
        // Executable: a process of its own, which gets the helpers by sourcing the entrypoint.
        '3-executable.sh': [
          '#!/usr/bin/env bash',
          'set -e',
          'source docker-entrypoint.sh',
          `docker_process_sql -c "INSERT INTO words VALUES ('exec')"`,
        ].join('\n'),
        '4-notes.txt': 'not a script',
      },
      ['3-executable.sh'],
    );
    const id = await run(image, ['-e', 'POSTGRES_PASSWORD=pw', '-e', 'POSTGRES_DB=app', '-v', `${dir}:/docker-entrypoint-initdb.d:ro`]);
    const { log, running } = await readyOrExited(id);
    expect(running, log).toBe(true);
    expect(log).toContain('/usr/local/bin/docker-entrypoint.sh: sourcing /docker-entrypoint-initdb.d/1-sourced.sh');
    expect(log).toContain('sourced by /usr/local/bin/docker-entrypoint.sh with POSTGRES_DB=app');
    expect(log).toContain('running /docker-entrypoint-initdb.d/2-rows.sql.gz');
    expect(log).toContain('running /docker-entrypoint-initdb.d/3-executable.sh');
    expect(log).toContain('ignoring /docker-entrypoint-initdb.d/4-notes.txt');
    // The temporary server never listens on TCP; the real one does, after the init process. Cut at
    // the temporary server's shutdown line, on stderr like the lines compared: the entrypoint's
    // "init process complete" is on stdout, and `docker logs` may put it after the real server's
    // first lines (a stress run did).
    const cut = log.indexOf('database system is shut down');
    expect(cut, log).toBeGreaterThan(0);
    const [before, after] = [log.slice(0, cut), log.slice(cut)];
    expect(before).not.toMatch(/listening on IPv[46] address/);
    expect(before).toMatch(READY);
    expect(after).toMatch(/listening on IPv4 address "0\.0\.0\.0", port 5432/);

    const app = await url(id, 'postgres', 'pw', 'app');
    // en_US.utf8 sorts case-insensitively first; C / C.UTF-8 would give A,B,a,b.
    const words = await query<{ w: string }>(app, 'SELECT w FROM words ORDER BY w');
    expect(words.map((r) => r.w)).toEqual(['a', 'A', 'b', 'B', 'exec', 'from file_env default']);
    const [locale] = await query<{ datcollate: string; datctype: string }>(
      app,
      "SELECT datcollate, datctype FROM pg_database WHERE datname = 'app'",
    );
    expect(locale).toEqual({ datcollate: 'en_US.utf8', datctype: 'en_US.utf8' });
  });
});

describe('postgres:15 stand-in entrypoint', () => {
  it('runs initdb on every first start (no shared pre-made cluster) and skips it on a later start', async () => {
    const [a, b] = await Promise.all([
      run('postgres:15', ['-e', 'POSTGRES_PASSWORD=pw']),
      run('postgres:15', ['-e', 'POSTGRES_PASSWORD=pw']),
    ]);
    const [logA] = await Promise.all([readyOrExited(a), readyOrExited(b)]);
    expect(logA.log).toContain('The database cluster will be initialized with locale "en_US.utf8"');
    const ids = await Promise.all(
      [a, b].map(
        async (id) =>
          (
            await query<{ id: string }>(
              await url(id, 'postgres', 'pw', 'postgres'),
              'SELECT system_identifier::text AS id FROM pg_control_system()',
            )
          )[0]?.id,
      ),
    );
    expect(ids[0]).not.toBe(ids[1]);

    // `docker logs` keeps the first start's lines: wait for the second start's own.
    await docker('restart', a);
    const skipped =
      /PostgreSQL Database directory appears to contain a database; Skipping initialization\n[\s\S]*ready to accept connections/;
    const deadline = Date.now() + budget(60_000);
    let log = await logs(a);
    while (!skipped.test(log) && Date.now() < deadline) {
      await sleep(100);
      log = await logs(a);
    }
    expect(log).toMatch(skipped);
    expect(log.match(/The files belonging to this database system/g)).toHaveLength(1);
  });

  it('POSTGRES_INITDB_ARGS, PGDATA elsewhere, POSTGRES_USER and POSTGRES_PASSWORD_FILE', async () => {
    const dir = initDir({ password: 'from-a-file\n' });
    const id = await run('postgres:15', [
      '-e',
      'POSTGRES_INITDB_ARGS=--data-checksums --auth-local=trust',
      '-e',
      'PGDATA=/tmp/elsewhere',
      '-e',
      'POSTGRES_USER=owner',
      '-e',
      'POSTGRES_PASSWORD_FILE=/run/secrets/password',
      '-v',
      `${dir}/password:/run/secrets/password:ro`,
    ]);
    const { log, running } = await readyOrExited(id);
    expect(running, log).toBe(true);
    const owner = await url(id, 'owner', 'from-a-file', 'owner');
    const [row] = await query<{ checksums: string; dir: string; user: string }>(
      owner,
      "SELECT current_setting('data_checksums') AS checksums, current_setting('data_directory') AS dir, current_user AS user",
    );
    expect(row).toEqual({ checksums: 'on', dir: '/tmp/elsewhere', user: 'owner' });
    await expect(query(await url(id, 'owner', 'wrong', 'owner'), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('POSTGRES_HOST_AUTH_METHOD=trust needs no password and says so in pg_hba.conf', async () => {
    const id = await run('postgres:15', ['-e', 'POSTGRES_HOST_AUTH_METHOD=trust']);
    const { log, running } = await readyOrExited(id);
    expect(running, log).toBe(true);
    expect(log).toContain('WARNING: POSTGRES_HOST_AUTH_METHOD has been set to "trust"');
    expect(await query(await url(id, 'postgres', 'anything', 'postgres'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await docker('exec', id, 'tail', '-n', '1', '/var/lib/postgresql/data/pg_hba.conf')).toBe('host all all all trust');
  });

  it('without a password it exits with the official message', async () => {
    const id = await run('postgres:15', []);
    const { log, running } = await readyOrExited(id);
    expect(running).toBe(false);
    expect(log).toContain('Error: Database is uninitialized and superuser password is not specified.');
  });

  it('an init folder the postgres user cannot read stops the first start before initdb', async () => {
    const dir = initDir({ '1.sql': 'SELECT 1;' });
    chmodSync(dir, 0o700);
    const id = await run('postgres:15', ['-e', 'POSTGRES_PASSWORD=pw', '-v', `${dir}:/docker-entrypoint-initdb.d:ro`]);
    const { log, running } = await readyOrExited(id);
    expect(running).toBe(false);
    expect(log).toMatch(/ls: cannot open directory '\/docker-entrypoint-initdb\.d\/': Permission denied/);
    expect(log).not.toContain('The files belonging to this database system');
  });
});
