/**
 * The container spec of a redis (or valkey) service. It keeps the image's contract: the command is
 * only options (`--protected-mode no --databases 16 [--requirepass …] <args>`), which the official
 * redis image's entrypoint runs as `redis-server <options>` and the valkey image's as
 * `valkey-server <options>`, each with its own setup (the /data directory, dropping root). What
 * berth relies on is set explicitly instead of trusting the build's defaults: protected mode off
 * (Debian's builds have it on, and answer every host connection with DENIED), the password, and 16
 * logical databases (0 for the service, 1–15 for leases).
 *
 * Readiness = the server's ready line (redisReadyLine) *and* a TCP listener on 6379 in the
 * container; startResolved then PINGs through the mapped port from the host (see started.ts).
 */
import type { ContainerSpec } from '../../container/spec.js';
import { sequence } from '../../wait/composite.js';
import { log } from '../../wait/log.js';
import { ports } from '../../wait/ports.js';
import { applySpecOverride } from '../spec-override.js';
import type { RedisFlavor, ResolvedRedisOptions } from './options.js';

export const REDIS_PORT = 6379;
/** Logical databases berth asks for: 0 is the service's, 1–15 are handed out. */
export const REDIS_DATABASES = 16;

/**
 * The (part of the) line the server logs once it accepts connections. Redis 7.0 prints "Ready to
 * accept connections", 7.2 and later append the listener kind ("… connections tcp"), so the
 * common part is waited for. Valkey (8.1 here, after its "Valkey is starting" banner) always
 * prints the form with the listener kind.
 */
export function redisReadyLine(flavor: RedisFlavor): string {
  return flavor === 'valkey' ? 'Ready to accept connections tcp' : 'Ready to accept connections';
}

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
    wait: sequence([log(redisReadyLine(options.flavor)), ports({ ports: [REDIS_PORT] })]),
    startupTimeoutMs: options.startupTimeoutMs,
  };
  return applySpecOverride(generated, options.spec);
}
