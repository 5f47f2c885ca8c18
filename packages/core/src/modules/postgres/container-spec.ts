/**
 * The container spec of a postgres service: the official image's contract (POSTGRES_* variables,
 * /docker-entrypoint-initdb.d, server settings as `-c` arguments), port 5432 and the readiness rule
 * of ready.ts. The user's `spec` override is applied last.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ContainerSpec, CopySpec } from '../../container/spec.js';
import { InvalidSpecError } from '../../errors.js';
import { type ResolvedPostgresOptions, settingArgs } from './options.js';
import { postgresReady } from './ready.js';

export const POSTGRES_PORT = 5432;
const INITDB_DIR = '/docker-entrypoint-initdb.d';

export async function postgresSpec(options: ResolvedPostgresOptions): Promise<ContainerSpec> {
  const generated: ContainerSpec = {
    image: options.image,
    env: {
      POSTGRES_USER: options.user,
      POSTGRES_PASSWORD: options.password,
      POSTGRES_DB: options.database,
    },
    command: ['postgres', ...settingArgs(options.settings)],
    ports: [POSTGRES_PORT],
    copy: await initScriptCopies(options.initScripts),
    wait: postgresReady(),
    startupTimeoutMs: options.startupTimeoutMs,
    ...(options.reuse === undefined ? {} : { reuse: options.reuse }),
  };
  const override = options.spec;
  if (typeof override === 'function') return override(generated);
  if (override === undefined) return generated;
  return { ...generated, ...override, env: { ...generated.env, ...override.env } };
}

/**
 * Files get a numbered prefix so the entrypoint (which runs them in name order) keeps the order they
 * were given in; a directory is copied as it is, its files keeping their names.
 */
async function initScriptCopies(paths: string[]): Promise<CopySpec[]> {
  const width = String(Math.max(paths.length - 1, 0)).length + 1;
  return Promise.all(
    paths.map(async (source, index) => {
      const kind = await stat(source).then(
        (s) => (s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other'),
        () => 'missing',
      );
      if (kind === 'directory') return { source, target: INITDB_DIR };
      if (kind === 'file') return { source, target: `${INITDB_DIR}/${String(index).padStart(width, '0')}-${basename(source)}` };
      throw new InvalidSpecError(
        `postgres(): expected \`initScripts[${index}]\` to be a file or directory, got ${JSON.stringify(source)} (${kind})`,
      );
    }),
  );
}
