/**
 * The container spec of a redis service: `redis-server` with the password and extra arguments,
 * port 6379, and readiness = the "Ready to accept connections" line *and* a TCP listener on 6379 in
 * the container. Redis prints the line once it serves clients; the listener check also catches
 * `--port` arguments that move the server away from the port berth publishes.
 */
import type { ContainerSpec } from '../../container/spec.js';
import { all } from '../../wait/composite.js';
import { log } from '../../wait/log.js';
import { ports } from '../../wait/ports.js';
import type { ResolvedRedisOptions } from './options.js';

export const REDIS_PORT = 6379;

export function redisSpec(options: ResolvedRedisOptions): ContainerSpec {
  const generated: ContainerSpec = {
    image: options.image,
    command: ['redis-server', ...(options.password === undefined ? [] : ['--requirepass', options.password]), ...options.args],
    ports: [REDIS_PORT],
    wait: all([log('Ready to accept connections'), ports({ ports: [REDIS_PORT] })]),
    startupTimeoutMs: options.startupTimeoutMs,
  };
  const override = options.spec;
  if (typeof override === 'function') return override(generated);
  if (override === undefined) return generated;
  return { ...generated, ...override, env: { ...generated.env, ...override.env } };
}
