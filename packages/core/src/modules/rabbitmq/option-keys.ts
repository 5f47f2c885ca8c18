/** The keys `rabbitmq()` accepts; typed against RabbitmqOptions so the two cannot drift apart. */
import type { KnownKeys } from '../../spec/check.js';
import type { RabbitmqOptions } from './options.js';

export const RABBITMQ_OPTION_KEYS: KnownKeys<RabbitmqOptions> = {
  image: true,
  user: true,
  password: true,
  vhost: true,
  management: true,
  definitions: true,
  config: true,
  setup: true,
  poolSize: true,
  poolConcurrency: true,
  acquireTimeoutMs: true,
  releaseGraceMs: true,
  startupTimeoutMs: true,
  requestTimeoutMs: true,
  spec: true,
};
