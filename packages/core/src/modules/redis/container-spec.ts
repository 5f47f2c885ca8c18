/**
 * The container spec of a redis service. It keeps the image's contract: the command is only options
 * (`--protected-mode no --databases 16 [--requirepass …] <args>`), which the official image's
 * entrypoint (and berth's stand-in) runs as `redis-server <options>` with its own setup (the /data
 * directory, dropping root). What berth relies on is set explicitly instead of trusting the build's
 * defaults: protected mode off (Debian's build has it on, and answers every host connection with
 * DENIED), the password, and 16 logical databases (0 for the service, 1–15 for leases).
 *
 * Readiness = the "Ready to accept connections" line *and* a TCP listener on 6379 in the container;
 * startResolved then PINGs through the mapped port from the host (see started.ts).
 */
import type { ContainerSpec } from '../../container/spec.js';
import { sequence } from '../../wait/composite.js';
import { log } from '../../wait/log.js';
import { ports } from '../../wait/ports.js';
import { applySpecOverride } from '../spec-override.js';
import type { ResolvedRedisOptions } from './options.js';

export const REDIS_PORT = 6379;
/** Logical databases berth asks for: 0 is the service's, 1–15 are handed out. */
export const REDIS_DATABASES = 16;

export function redisSpec(options: ResolvedRedisOptions): ContainerSpec {
  const generated: ContainerSpec = {
    image: options.image,
    command: [
      '--protected-mode',
      'no',
      '--databases',
      String(REDIS_DATABASES),
      ...(options.password === undefined ? [] : ['--requirepass', options.password]),
      ...options.args,
    ],
    ports: [REDIS_PORT],
    wait: sequence([log('Ready to accept connections'), ports({ ports: [REDIS_PORT] })]),
    startupTimeoutMs: options.startupTimeoutMs,
  };
  return applySpecOverride(generated, options.spec);
}
