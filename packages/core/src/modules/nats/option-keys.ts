/** The keys `nats()` accepts; typed against NatsOptions so the two cannot drift apart. */
import type { KnownKeys } from '../../spec/check.js';
import type { NatsOptions } from './options.js';

export const NATS_OPTION_KEYS: KnownKeys<NatsOptions> = {
  image: true,
  auth: true,
  jetstream: true,
  monitoring: true,
  accounts: true,
  args: true,
  startupTimeoutMs: true,
  requestTimeoutMs: true,
  acquireTimeoutMs: true,
  releaseGraceMs: true,
  spec: true,
};
