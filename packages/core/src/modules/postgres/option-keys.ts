/** The keys `postgres()` accepts; typed against PostgresOptions so the two cannot drift apart. */
import type { KnownKeys } from '../../spec/check.js';
import type { PostgresOptions } from './options.js';

export const POSTGRES_OPTION_KEYS: KnownKeys<PostgresOptions> = {
  image: true,
  user: true,
  password: true,
  database: true,
  initScripts: true,
  settings: true,
  tuneForTests: true,
  setupSql: true,
  setup: true,
  poolSize: true,
  poolConcurrency: true,
  templateDatabase: true,
  cloneStrategy: true,
  startupTimeoutMs: true,
  connectTimeoutMs: true,
  acquireTimeoutMs: true,
  releaseGraceMs: true,
  reuse: true,
  cache: true,
  templateInputs: true,
  templateKey: true,
  spec: true,
};
