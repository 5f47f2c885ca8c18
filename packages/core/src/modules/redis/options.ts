/**
 * What a test author can say about a redis service, checked in one place: `resolveRedisOptions`
 * fills every default or throws an InvalidSpecError quoting the option and the bad value.
 */

import { scaledTimeout } from '../../config.js';
import type { ContainerSpec } from '../../container/spec.js';
import { InvalidSpecError } from '../../errors.js';
import { checker } from '../../spec/check.js';
import { REDIS_OPTION_KEYS } from './option-keys.js';

export interface RedisOptions {
  /**
   * Image to run: any tag of the official `redis` image, of `valkey/valkey`, or a compatible one.
   * Images whose repository is named `valkey` (`valkey/valkey:8`, `registry:5000/valkey:8.1`) are
   * waited for with valkey's ready line; the contract is otherwise the same. Default `redis:7`.
   */
  image?: string;
  /** Require this password (`--requirepass`). Default none. */
  password?: string;
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes']`. */
  args?: string[];
  /** Time allowed for pull, create, start and readiness. Default 60 s (scaled by BERTH_TIMEOUT_SCALE). */
  startupTimeoutMs?: number;
  /** Time allowed to open one of berth's own connections (flushing a released db). Default 5 s. */
  connectTimeoutMs?: number;
  /** How long a request for a database of its own waits before it fails (PoolTimeoutError). Default 30 s (scaled by BERTH_TIMEOUT_SCALE). */
  acquireTimeoutMs?: number;
  /**
   * Escape hatch. An object is laid over the generated container spec (`env` is merged key by key,
   * every other field replaces berth's); a function receives the generated spec and returns the one
   * to start.
   */
  spec?: Partial<ContainerSpec> | ((generated: ContainerSpec) => ContainerSpec);
}

/** Which server the image runs, from its name: `…/valkey` repositories are valkey, the rest redis. */
export type RedisFlavor = 'redis' | 'valkey';

export interface ResolvedRedisOptions {
  image: string;
  flavor: RedisFlavor;
  password: string | undefined;
  args: string[];
  startupTimeoutMs: number;
  connectTimeoutMs: number;
  acquireTimeoutMs: number;
  spec: RedisOptions['spec'];
}

export function resolveRedisOptions(options: RedisOptions = {}): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  checker().keys(options as Record<string, unknown>, REDIS_OPTION_KEYS, 'redis() options');
  const { password, args = [], spec } = options;
  if (password !== undefined && (typeof password !== 'string' || password === '' || /\s/.test(password))) {
    fail('password', 'a non-empty string without spaces', password);
  }
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) fail('args', 'an array of strings', args);
  if (spec !== undefined && typeof spec !== 'function' && (typeof spec !== 'object' || spec === null)) {
    fail('spec', 'an object or a function', spec);
  }
  const image = options.image ?? 'redis:7';
  if (typeof image !== 'string' || image === '') fail('image', 'a non-empty string', image);
  return {
    image,
    flavor: flavorOf(image),
    password,
    args: [...args],
    startupTimeoutMs: positive(options.startupTimeoutMs ?? 60_000, 'startupTimeoutMs'),
    // berth's own connections: scaled here, once (startupTimeoutMs is scaled by start()).
    connectTimeoutMs: scaledTimeout(positive(options.connectTimeoutMs ?? 5_000, 'connectTimeoutMs')),
    acquireTimeoutMs: positive(options.acquireTimeoutMs ?? 30_000, 'acquireTimeoutMs'),
    spec,
  };
}

/** `valkey/valkey:8`, `valkey:8.1`, `ghcr.io/valkey-io/valkey@sha256:…` are valkey; the rest redis. */
export function flavorOf(image: string): RedisFlavor {
  const repository = image.split('@')[0]?.replace(/:[^/:]*$/, '') ?? image;
  return /(?:^|\/)valkey$/.test(repository) ? 'valkey' : 'redis';
}

function positive(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(field, 'a whole number ≥ 1', value);
  return value;
}

function fail(field: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got === 'function' ? 'a function' : String(JSON.stringify(got));
  throw new InvalidSpecError(`redis(): expected \`${field}\` to be ${expected}, got ${shown}`);
}
