// What every module's contract test shares: the image under test (BERTH_CONTRACT_IMAGE, set by
// scripts/test-contract), init-script folders written the way a user would (a 0700 mkdtemp folder),
// the image's own healthcheck, and the check that stop() left nothing behind.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedContainer } from '@berth/core';
import { expect, it } from 'vitest';
import { poll } from '../support/budget.js';
import { labelled } from '../support/docker.js';

/** The image under test; the module file is only run for its own module. */
export function contractImage(module: string): string {
  const image = process.env.BERTH_CONTRACT_IMAGE;
  const wanted = process.env.BERTH_CONTRACT_MODULE;
  if (!image || wanted !== module) {
    throw new Error(`run the ${module} contract through its script: pnpm test:contract -- ${module} <image>`);
  }
  return image;
}

/** A 0700 folder (what fs.mkdtemp makes) holding `files`; a mode of 0o755 makes a file executable. */
export function scriptFolder(files: Record<string, { content: string | Buffer; mode?: number }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-contract-'));
  for (const [name, file] of Object.entries(files)) {
    writeFileSync(join(dir, name), file.content);
    chmodSync(join(dir, name), file.mode ?? 0o644);
  }
  return dir;
}

/** The container's environment as the engine reports it (`NAME=value` strings). */
export async function containerEnv(container: StartedContainer): Promise<string[]> {
  const info = await container.inspect();
  return (info?.Config as { Env?: string[] } | undefined)?.Env ?? [];
}

/** The image's own HEALTHCHECK command, or undefined when it has none. */
export async function imageHealthcheck(container: StartedContainer): Promise<string[] | undefined> {
  const info = await container.inspect();
  const test = (info?.Config as { Healthcheck?: { Test?: string[] } } | undefined)?.Healthcheck?.Test;
  return test && test.length > 0 && test[0] !== 'NONE' ? test : undefined;
}

/** Waits for the engine to report the container healthy (its own healthcheck). */
export async function expectHealthy(container: StartedContainer): Promise<void> {
  await expect
    .poll(
      async () => ((await container.inspect())?.State as { Health?: { Status?: string } } | undefined)?.Health?.Status,
      poll(90_000, 500),
    )
    .toBe('healthy');
}

/** Nothing labelled with this process's session is left: containers, networks, volumes. */
export async function expectNothingLeft(): Promise<void> {
  expect(await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`)).toEqual({ containers: [], networks: [], volumes: [] });
}

/** What the database contracts (postgres, mysql) need of a started module. */
interface DatabaseModule {
  readonly url: string;
  readonly details: { port: number };
  readonly container: StartedContainer;
  freshDatabase(): Promise<{ name: string; url: string } & AsyncDisposable>;
  stop(): Promise<void>;
}

/**
 * The checks the postgres and mysql contracts share, after their own: fresh databases apart from
 * each other and from the main one, each holding what the init scripts made; restart on the
 * initialised data (the scripts do not run again) with the new port taken up; cleanup. The init
 * scripts made tables from_sql (one row, n = 1), from_sql_gz and from_exec_sh.
 */
export function databaseSliceChecks(
  module: () => DatabaseModule,
  port: number,
  query: (url: string, sql: string) => Promise<Record<string, unknown>[]>,
  exists: (url: string, table: string) => Promise<boolean>,
): void {
  it('fresh databases: apart from each other and the main one, each with what the init scripts made', async () => {
    const db = module();
    await using a = await db.freshDatabase();
    await using b = await db.freshDatabase();
    expect(a.name).not.toBe(b.name);
    for (const table of ['from_sql', 'from_sql_gz', 'from_exec_sh']) expect(await exists(a.url, table)).toBe(true);
    await query(a.url, 'INSERT INTO from_sql VALUES (2)');
    expect(await query(b.url, 'SELECT n FROM from_sql ORDER BY n')).toEqual([{ n: 1 }]);
    expect(await query(db.url, 'SELECT n FROM from_sql ORDER BY n')).toEqual([{ n: 1 }]);
  });

  it('restart: ready again on the initialised data (scripts not run again), new port taken up, fresh databases after it', async () => {
    const db = module();
    await db.container.restart();
    expect(db.details.port).toBe(db.container.mappedPort(port));
    expect(await query(db.url, 'SELECT n FROM from_sql ORDER BY n')).toEqual([{ n: 1 }]);
    await using fresh = await db.freshDatabase();
    expect(await exists(fresh.url, 'from_exec_sh')).toBe(true);
  });

  it('cleanup: stop() leaves no container, network or volume of the session', async () => {
    await module().stop();
    await expectNothingLeft();
  });
}
