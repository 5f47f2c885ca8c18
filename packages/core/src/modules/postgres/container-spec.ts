/**
 * The container spec of a postgres service: the official image's contract (POSTGRES_* variables,
 * /docker-entrypoint-initdb.d, server settings as `-c` arguments), port 5432 and the readiness rule
 * of ready.ts. The user's `spec` override is applied last.
 */
import type { ContainerSpec } from '../../container/spec.js';
import { initScriptCopies } from '../init-scripts.js';
import { applySpecOverride } from '../spec-override.js';
import { type ResolvedPostgresOptions, settingArgs } from './options.js';
import { postgresReady } from './ready.js';

export const POSTGRES_PORT = 5432;
/**
 * Where the data directory goes when it is kept in memory. Set as PGDATA too: the official images
 * do not agree on their default (postgres:18 moved it under /var/lib/postgresql/18/docker).
 */
export const PGDATA_IN_MEMORY = '/var/lib/postgresql/data';

export async function postgresSpec(options: ResolvedPostgresOptions): Promise<ContainerSpec> {
  const generated: ContainerSpec = {
    image: options.image,
    env: {
      POSTGRES_USER: options.user,
      POSTGRES_PASSWORD: options.password,
      POSTGRES_DB: options.database,
      ...(options.dataInMemory ? { PGDATA: PGDATA_IN_MEMORY } : {}),
    },
    // A clone creates a few hundred small files; on a volume that took 83 ms a clone here, on
    // tmpfs 7.5 ms (postgres 15, default template).
    ...(options.dataInMemory ? { tmpfs: [{ target: PGDATA_IN_MEMORY }] } : {}),
    command: ['postgres', ...settingArgs(options.settings)],
    ports: [POSTGRES_PORT],
    copy: await initScriptCopies(options.initScripts, 'postgres()'),
    wait: postgresReady(),
    startupTimeoutMs: options.startupTimeoutMs,
    ...(options.reuse === undefined ? {} : { reuse: options.reuse }),
  };
  return applySpecOverride(generated, options.spec);
}
