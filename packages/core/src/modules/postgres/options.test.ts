import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../errors.js';
import { postgresSpec } from './container-spec.js';
import { resolvePostgresOptions, settingArgs } from './options.js';

describe('resolvePostgresOptions', () => {
  it('fills defaults', () => {
    const resolved = resolvePostgresOptions();
    expect(resolved).toMatchObject({
      image: 'postgres:15',
      user: 'test',
      password: 'test',
      database: 'test',
      templateDatabase: 'berth_template',
      cloneStrategy: 'file_copy',
      poolSize: 4,
      poolConcurrency: undefined,
      dataInMemory: false,
      settings: {},
      initScripts: [],
      setupSql: [],
    });
  });

  it('puts user settings over the test tuning', () => {
    const { settings } = resolvePostgresOptions({ tuneForTests: true, settings: { fsync: true, work_mem: '64MB', max_connections: 200 } });
    expect(settings).toEqual({ fsync: 'on', synchronous_commit: 'off', full_page_writes: 'off', work_mem: '64MB', max_connections: '200' });
    expect(settingArgs({ fsync: 'off' })).toEqual(['-c', 'fsync=off']);
  });

  it.each([
    [{ poolSize: -1 }, '`poolSize` to be a whole number 0–64, got -1'],
    [{ poolConcurrency: 1.5 }, '`poolConcurrency` to be a whole number 1–32, got 1.5'],
    [{ database: 'my-db' }, '`database` to be an identifier'],
    [{ user: '' }, '`user` to be an identifier'],
    [{ password: '' }, '`password` to be a non-empty string, got ""'],
    [{ settings: { 'bad key': 1 } }, '`settings["bad key"]` to be a server setting name'],
    [{ templateDatabase: 'test' }, '`templateDatabase` to be a name other than the main database "test"'],
    [{ setup: 'migrate' }, '`setup` to be a function'],
    [{ cloneStrategy: 'copy' }, '`cloneStrategy` to be "file_copy" or "wal_log", got "copy"'],
    [{ initScripts: [''] }, '`initScripts[0]` to be a non-empty string'],
  ])('rejects %j', (options, message) => {
    expect(() => resolvePostgresOptions(options as never)).toThrow(InvalidSpecError);
    expect(() => resolvePostgresOptions(options as never)).toThrow(message);
  });
});

describe('postgresSpec', () => {
  it('maps options onto the official image contract', async () => {
    const spec = await postgresSpec(resolvePostgresOptions({ user: 'app', settings: { fsync: 'off' } }));
    expect(spec.env).toEqual({ POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'test', POSTGRES_DB: 'test' });
    expect(spec.command).toEqual(['postgres', '-c', 'fsync=off']);
    expect(spec.ports).toEqual([5432]);
  });

  it('numbers init script files so they run in the given order; a folder goes file by file, readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-init-unit-'));
    try {
      writeFileSync(join(dir, 'a.sql'), 'select 1;', { mode: 0o600 });
      writeFileSync(join(dir, 'b.sh'), 'echo hi', { mode: 0o700 });
      mkdirSync(join(dir, 'nested'));
      writeFileSync(join(dir, 'nested', 'c.sql'), 'select 2;', { mode: 0o600 });
      const here = new URL('.', import.meta.url).pathname;
      const spec = await postgresSpec(resolvePostgresOptions({ initScripts: [`${here}ready.ts`, `${here}options.ts`, dir] }));
      expect(spec.copy?.map((c) => [c.target, c.mode])).toEqual([
        ['/docker-entrypoint-initdb.d/00-ready.ts', 0o644],
        ['/docker-entrypoint-initdb.d/01-options.ts', 0o644],
        ['/docker-entrypoint-initdb.d/a.sql', 0o644],
        ['/docker-entrypoint-initdb.d/b.sh', 0o755],
        ['/docker-entrypoint-initdb.d/nested/c.sql', 0o644],
      ]);
      // No entry for the folder itself: the image's /docker-entrypoint-initdb.d keeps its own mode.
      expect(spec.copy?.every((c) => 'content' in c)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing init script path', async () => {
    await expect(postgresSpec(resolvePostgresOptions({ initScripts: '/nonexistent/init.sql' }))).rejects.toThrow(
      /`initScripts\[0\]` to be a file or directory, got "\/nonexistent\/init.sql" \(missing\)/,
    );
  });

  it('applies the spec override: objects merge env, functions replace', async () => {
    const merged = await postgresSpec(resolvePostgresOptions({ spec: { env: { TZ: 'UTC' }, startupTimeoutMs: 5 } }));
    expect(merged.env).toMatchObject({ POSTGRES_DB: 'test', TZ: 'UTC' });
    expect(merged.startupTimeoutMs).toBe(5);
    const replaced = await postgresSpec(resolvePostgresOptions({ spec: (s) => ({ ...s, image: 'busybox:latest' }) }));
    expect(replaced.image).toBe('busybox:latest');
  });
});
