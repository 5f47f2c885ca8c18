/**
 * What a test author can say about a nats service, checked in one place: `resolveNatsOptions` fills
 * every default or throws an InvalidSpecError quoting the option and the bad value.
 */
import { scaledTimeout } from '../../config.js';
import type { ContainerSpec } from '../../container/spec.js';
import { InvalidSpecError } from '../../errors.js';
import { checker } from '../../spec/check.js';
import { DEFAULT_RELEASE_GRACE_MS } from '../release-grace.js';
import { NATS_OPTION_KEYS } from './option-keys.js';

export type NatsAuth = { token: string } | { user: string; password: string };

export interface NatsOptions {
  /** Image to run: any tag of the official image. Default `nats:2`. */
  image?: string;
  /** Require a token or a user/password for the service's own connection. Default: none. */
  auth?: NatsAuth;
  /** Enable JetStream (streams, KV, object store), stored in the container. Default false. */
  jetstream?: boolean;
  /** HTTP monitoring on 8222 (`monitorUrl` in the details, readiness through /healthz). Default true. */
  monitoring?: boolean;
  /**
   * Accounts kept for leases: each lease is an account of its own (subjects and streams nobody else
   * sees); a released account gets a new password, which disconnects its clients, and its streams
   * are deleted before it is handed out again. Default 16; 0 turns isolation off. Not available
   * with token auth (a token belongs to the server's global account).
   */
  accounts?: number;
  /** Extra `nats-server` arguments, e.g. `['--max_payload', '2MB']`. */
  args?: string[];
  /** Time allowed for pull, create, start and readiness. Default 60 s (scaled by BERTH_TIMEOUT_SCALE). */
  startupTimeoutMs?: number;
  /** Time one of berth's own connections or reloads may take. Default 10 s (scaled by BERTH_TIMEOUT_SCALE). */
  requestTimeoutMs?: number;
  /**
   * How long a request for an account of its own waits when every account is handed out (or being
   * recycled) before it fails with a PoolTimeoutError. Default 30 s (scaled by BERTH_TIMEOUT_SCALE).
   */
  acquireTimeoutMs?: number;
  /**
   * How long a released account waits for its clients to disconnect on their own before it is
   * recycled (which disconnects them); needs `monitoring` to count them. Default 2 s (scaled by
   * BERTH_TIMEOUT_SCALE); 0 recycles at once.
   */
  releaseGraceMs?: number;
  /**
   * Escape hatch. An object is laid over the generated container spec (`env` is merged key by key,
   * every other field replaces berth's); a function receives the generated spec and returns the one
   * to start.
   */
  spec?: Partial<ContainerSpec> | ((generated: ContainerSpec) => ContainerSpec);
}

export interface ResolvedNatsOptions {
  image: string;
  auth: NatsAuth | undefined;
  jetstream: boolean;
  monitoring: boolean;
  accounts: number;
  args: string[];
  startupTimeoutMs: number;
  requestTimeoutMs: number;
  acquireTimeoutMs: number;
  releaseGraceMs: number;
  spec: NatsOptions['spec'];
}

export function resolveNatsOptions(options: NatsOptions = {}): ResolvedNatsOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  checker().keys(options as Record<string, unknown>, NATS_OPTION_KEYS, 'nats() options');
  const image = options.image ?? 'nats:2';
  if (typeof image !== 'string' || image === '') fail('image', 'a non-empty string', image);
  const auth = resolveAuth(options.auth);
  const jetstream = options.jetstream ?? false;
  if (typeof jetstream !== 'boolean') fail('jetstream', 'a boolean', jetstream);
  const monitoring = options.monitoring ?? true;
  if (typeof monitoring !== 'boolean') fail('monitoring', 'a boolean', monitoring);
  const tokenAuth = auth !== undefined && 'token' in auth;
  const accounts = whole(options.accounts ?? (tokenAuth ? 0 : 16), 'accounts', 0);
  if (tokenAuth && accounts > 0) {
    throw new InvalidSpecError('nats(): `accounts` (isolation per lease) cannot be combined with `auth.token`', {
      hint: 'use `auth: { user, password }` for isolation, or set `accounts: 0`',
    });
  }
  const { args = [], spec } = options;
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) fail('args', 'an array of strings', args);
  if (spec !== undefined && typeof spec !== 'function' && (typeof spec !== 'object' || spec === null)) {
    fail('spec', 'an object or a function', spec);
  }
  return {
    image,
    auth,
    jetstream,
    monitoring,
    accounts,
    args: [...args],
    startupTimeoutMs: whole(options.startupTimeoutMs ?? 60_000, 'startupTimeoutMs', 1),
    requestTimeoutMs: scaledTimeout(whole(options.requestTimeoutMs ?? 10_000, 'requestTimeoutMs', 1)),
    acquireTimeoutMs: whole(options.acquireTimeoutMs ?? 30_000, 'acquireTimeoutMs', 1),
    releaseGraceMs: scaledTimeout(whole(options.releaseGraceMs ?? DEFAULT_RELEASE_GRACE_MS, 'releaseGraceMs', 0)),
    spec,
  };
}

function resolveAuth(auth: unknown): NatsAuth | undefined {
  if (auth === undefined) return undefined;
  if (typeof auth !== 'object' || auth === null) fail('auth', '{ token } or { user, password }', auth);
  const { token, user, password } = auth as { token?: unknown; user?: unknown; password?: unknown };
  if (token !== undefined) {
    if (user !== undefined || password !== undefined) fail('auth', 'either { token } or { user, password }, not both', auth);
    return { token: word(token, 'auth.token') };
  }
  return { user: word(user, 'auth.user'), password: word(password, 'auth.password') };
}

function word(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || /[\s"\\]/.test(value)) {
    fail(field, 'a non-empty string without spaces, quotes or backslashes', typeof value === 'string' ? '(hidden)' : value);
  }
  return value;
}

function whole(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(field, `a whole number ≥ ${min}`, value);
  return value;
}

function fail(field: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got === 'function' ? 'a function' : String(JSON.stringify(got));
  throw new InvalidSpecError(`nats(): expected \`${field}\` to be ${expected}, got ${shown}`);
}
