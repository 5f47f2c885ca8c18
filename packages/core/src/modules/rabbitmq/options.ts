/**
 * What a test author can say about a rabbitmq service, checked in one place: `resolveRabbitmqOptions`
 * fills every default or throws an InvalidSpecError quoting the option and the bad value.
 */

import { readFileSync } from 'node:fs';
import { scaledTimeout } from '../../config.js';
import type { ContainerSpec } from '../../container/spec.js';
import { InvalidSpecError } from '../../errors.js';
import { checker } from '../../spec/check.js';
import { DEFAULT_RELEASE_GRACE_MS } from '../release-grace.js';
import type { RabbitmqDetails } from './details.js';
import { RABBITMQ_OPTION_KEYS } from './option-keys.js';

export interface RabbitmqOptions {
  /** Image to run: any tag of the official image. Default `rabbitmq:3-management`. */
  image?: string;
  /** `RABBITMQ_DEFAULT_USER`. Default `guest` (the image's own default). */
  user?: string;
  /** `RABBITMQ_DEFAULT_PASS`. Default `guest`. */
  password?: string;
  /** `RABBITMQ_DEFAULT_VHOST`, the service's own vhost. Default `/`. */
  vhost?: string;
  /**
   * Use the management HTTP API (port 15672): its URL in the details, readiness of the API, and fresh
   * vhosts made through it. Default: true when the image tag contains `management`.
   */
  management?: boolean;
  /**
   * Definitions loaded at boot (`load_definitions`): a path to a JSON file on this machine, or the
   * object itself. Users defined there replace the default user, so include `user` among them.
   */
  definitions?: string | Record<string, unknown>;
  /** Extra `rabbitmq.conf` lines (new-style `key = value`), written to `conf.d/90-berth.conf`. */
  config?: string;
  /** Runs once, after the broker accepts connections; a failure stops the container. */
  setup?: (details: RabbitmqDetails, signal: AbortSignal | undefined) => Promise<void> | void;
  /** Fresh vhosts kept ready. Default 8 with the management API, 2 without (each `rabbitmqctl` run boots an Erlang VM). */
  poolSize?: number;
  /** Vhosts made at once when filling the pool. Default 4 with the management API (the broker makes them faster side by side), 1 without. */
  poolConcurrency?: number;
  /**
   * How long a fresh-vhost request waits before it fails with a PoolTimeoutError that says what the
   * pool's vhosts are doing. Default 30 s (scaled by BERTH_TIMEOUT_SCALE).
   */
  acquireTimeoutMs?: number;
  /**
   * How long a released vhost waits for its clients to disconnect on their own before it is deleted
   * (which closes them). Default 2 s (scaled by BERTH_TIMEOUT_SCALE); 0 deletes it at once.
   */
  releaseGraceMs?: number;
  /** Time allowed for pull, create, start and readiness. Default 90 s (scaled by BERTH_TIMEOUT_SCALE). */
  startupTimeoutMs?: number;
  /** Time one management request or `rabbitmqctl` call may take. Default 15 s (scaled by BERTH_TIMEOUT_SCALE). */
  requestTimeoutMs?: number;
  /**
   * Escape hatch. An object is laid over the generated container spec (`env` is merged key by key,
   * every other field replaces berth's); a function receives the generated spec and returns the one
   * to start.
   */
  spec?: Partial<ContainerSpec> | ((generated: ContainerSpec) => ContainerSpec);
}

export interface ResolvedRabbitmqOptions {
  image: string;
  user: string;
  password: string;
  vhost: string;
  management: boolean;
  /** JSON text of the definitions, checked to parse. */
  definitions: string | undefined;
  config: string | undefined;
  setup: RabbitmqOptions['setup'];
  poolSize: number;
  poolConcurrency: number;
  acquireTimeoutMs: number;
  releaseGraceMs: number;
  startupTimeoutMs: number;
  requestTimeoutMs: number;
  spec: RabbitmqOptions['spec'];
}

export const DEFAULT_CREDENTIAL = 'guest';

export function resolveRabbitmqOptions(options: RabbitmqOptions = {}): ResolvedRabbitmqOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  checker().keys(options as Record<string, unknown>, RABBITMQ_OPTION_KEYS, 'rabbitmq() options');
  const image = options.image ?? 'rabbitmq:3-management';
  if (typeof image !== 'string' || image === '') fail('image', 'a non-empty string', image);
  const user = name(options.user ?? DEFAULT_CREDENTIAL, 'user');
  const password = name(options.password ?? DEFAULT_CREDENTIAL, 'password');
  const vhost = options.vhost ?? '/';
  if (typeof vhost !== 'string' || vhost === '' || Buffer.byteLength(vhost) > 255) fail('vhost', 'a string of 1–255 bytes', vhost);
  const management = options.management ?? /management/.test(tagOf(image));
  if (typeof management !== 'boolean') fail('management', 'a boolean', management);
  if (options.config !== undefined && typeof options.config !== 'string') fail('config', 'a string of rabbitmq.conf lines', options.config);
  if (options.setup !== undefined && typeof options.setup !== 'function') fail('setup', 'a function', options.setup);
  const { spec } = options;
  if (spec !== undefined && typeof spec !== 'function' && (typeof spec !== 'object' || spec === null)) {
    fail('spec', 'an object or a function', spec);
  }
  return {
    image,
    user,
    password,
    vhost,
    management,
    definitions: definitionsText(options.definitions),
    config: options.config,
    setup: options.setup,
    poolSize: whole(options.poolSize ?? (management ? 8 : 2), 'poolSize', 0),
    poolConcurrency: whole(options.poolConcurrency ?? (management ? 4 : 1), 'poolConcurrency', 1),
    acquireTimeoutMs: whole(options.acquireTimeoutMs ?? 30_000, 'acquireTimeoutMs', 1),
    releaseGraceMs: scaledTimeout(whole(options.releaseGraceMs ?? DEFAULT_RELEASE_GRACE_MS, 'releaseGraceMs', 0)),
    startupTimeoutMs: whole(options.startupTimeoutMs ?? 90_000, 'startupTimeoutMs', 1),
    requestTimeoutMs: scaledTimeout(whole(options.requestTimeoutMs ?? 15_000, 'requestTimeoutMs', 1)),
    spec,
  };
}

/** The tag of an image reference ("rabbitmq:3-management" → "3-management"), digest ignored. */
function tagOf(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon + 1) : 'latest';
}

function definitionsText(value: RabbitmqOptions['definitions']): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return JSON.stringify(value);
  if (typeof value !== 'string' || value === '') fail('definitions', 'a path to a JSON file or an object', value);
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (error) {
    throw new InvalidSpecError(`rabbitmq(): cannot read \`definitions\` file ${JSON.stringify(value)}`, {
      cause: error,
      hint: 'give a path that exists on this machine (relative paths start at the current directory), or the definitions object',
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
  } catch (error) {
    throw new InvalidSpecError(`rabbitmq(): \`definitions\` file ${JSON.stringify(value)} is not a JSON object`, {
      cause: error,
      hint: 'export definitions with `rabbitmqctl export_definitions` or the management UI',
    });
  }
  return text;
}

function name(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || /[\0\s]/.test(value)) fail(field, 'a non-empty string without spaces', value);
  return value;
}

function whole(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(field, `a whole number ≥ ${min}`, value);
  return value;
}

function fail(field: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got === 'function' ? 'a function' : String(JSON.stringify(got));
  throw new InvalidSpecError(`rabbitmq(): expected \`${field}\` to be ${expected}, got ${shown}`);
}
