/**
 * The one place that knows what a secret looks like. Passwords, tokens and registry credentials are
 * registered once (by the module or the auth reader that receives them); `redact` then removes them
 * from every text berth builds: error messages, hints, details, stacks, causes and debug lines.
 *
 * A secret is hidden where it stands as a secret, never as a word: the password part of a URL
 * (`scheme://user:pass@`, or a registered token as `scheme://token@`), `*PASSWORD=` / `*_PASS=` /
 * `*TOKEN=`-style values (container env, `--password=`), flags that carry one (`--requirepass x`),
 * Authorization / X-Registry-Auth header values and credential fields (`"auth"`, `"password"`,
 * `"identitytoken"`, ...). Those are recognised whether or not the value was registered.
 *
 * A registered value is also replaced wherever it appears, but only when it is distinctive: at least
 * eight characters, not a word made of letters only, and not shaped like a name (lowercase letters,
 * digits and `._-/:@`, which is what image references, container names and users look like). A
 * conventional test password (`postgres`, `test`, `a`) or one equal to an image name therefore never
 * blanks out `postgres:18`, `berth-postgres-948f6814` or a hint's `docker pull postgres:18`.
 */

export const REDACTED = '***';

/** At least this long, and neither a plain word nor shaped like a name, to be replaced in free text. */
const MIN_DISTINCTIVE_LENGTH = 8;
const LETTERS_ONLY = /^[A-Za-z]+$/;
const NAME_LIKE = /^[a-z0-9._/:@-]+$/;

/** Whether `value` can be replaced wherever it appears without mangling ordinary text. */
export function isDistinctive(value: string): boolean {
  return value.length >= MIN_DISTINCTIVE_LENGTH && !LETTERS_ONLY.test(value) && !NAME_LIKE.test(value);
}

/**
 * One registry per process, even when the ESM and CJS builds (or two entry points bundled apart) are
 * both loaded: a secret registered through one copy is redacted by every other.
 */
interface Registry {
  /** Every registered value with its encoded forms: hidden where a secret is expected. */
  secrets: Set<string>;
  /** The distinctive ones, longest first: hidden wherever they appear. */
  ordered: string[];
}
const REGISTRY_KEY = Symbol.for('dev.berth.secrets');
const holder = globalThis as { [REGISTRY_KEY]?: Registry };
holder[REGISTRY_KEY] ??= { secrets: new Set<string>(), ordered: [] };
const registry: Registry = holder[REGISTRY_KEY];
const { secrets } = registry;

/**
 * Registers a value (password, token) that must never be printed. Its URL-encoded and base64 forms
 * (as they appear in connection strings and auth headers) are registered with it.
 */
export function registerSecret(value: string | undefined): void {
  if (typeof value !== 'string' || value === '' || secrets.has(value)) return;
  const forms = [value, encodeURIComponent(value), Buffer.from(value).toString('base64').replace(/=+$/, '')];
  for (const form of forms) secrets.add(form);
  // Longest first, so a secret that contains another is replaced whole.
  registry.ordered = [...secrets].filter(isDistinctive).sort((a, b) => b.length - a.length);
}

/** Registers the credentials of `user:password` in every form a registry client sends them. */
export function registerCredentials(username: string | undefined, password: string | undefined): void {
  registerSecret(password);
  if (username && password) registerSecret(`${username}:${password}`);
}

/** Forgets every registered secret. For tests only. */
export function clearSecretsForTests(): void {
  secrets.clear();
  registry.ordered = [];
}

const URL_PASSWORD = /(\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]+@/g;
/** `scheme://userinfo@` without a colon: a user, or a token (nats) when the value is registered. */
const URL_USERINFO = /(\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^:/\s@]+)@/g;
/** `POSTGRES_PASSWORD=x`, `PGPASSWORD=x`, `RABBITMQ_DEFAULT_PASS=x`, `--password=x`, `API_TOKEN=x`. */
const ASSIGNED_SECRET = /([\w.-]*(?:password|passwd|pass|pwd|secret|token|apikey|api_key)=)([^\s"',;&)\]}]+)/gi;
/** `--requirepass x`, also inside a JSON array: `"--requirepass","x"`. */
const FLAG_SECRET = /(--(?:requirepass|masterauth|password|pass|token)["']?(?:\s+|\s*,\s*)["']?)([^\s"',\]]+)/gi;
const AUTH_HEADER = /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:basic|bearer|token)\s+)[A-Za-z0-9._~+/=-]+/gi;
const REGISTRY_AUTH_HEADER = /\b(x-registry-(?:auth|config)["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/=-]+/gi;
const CREDENTIAL_FIELD = /(["']?\b(?:auth|password|passwd|identitytoken|registrytoken|secret|token)["']?\s*[:=]\s*["'])[^"']+(["'])/gi;

/** Object keys whose string values are credentials: `password`, `authToken`, `identitytoken`, ... */
const SECRET_KEY = /pass(word)?$|secret|token|^auth$|credential|apikey|api_key/i;

function isRegistered(value: string): boolean {
  if (secrets.has(value)) return true;
  try {
    return secrets.has(decodeURIComponent(value));
  } catch {
    return false;
  }
}

/** Returns `text` with every secret hidden where it stands as a secret (see the file's comment). */
export function redact(text: string): string {
  let result = text;
  for (const secret of registry.ordered) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(URL_USERINFO, (whole, scheme: string, userinfo: string) => (isRegistered(userinfo) ? `${scheme}${REDACTED}@` : whole))
    .replace(ASSIGNED_SECRET, `$1${REDACTED}`)
    .replace(FLAG_SECRET, `$1${REDACTED}`)
    .replace(AUTH_HEADER, `$1${REDACTED}`)
    .replace(REGISTRY_AUTH_HEADER, `$1${REDACTED}`)
    .replace(CREDENTIAL_FIELD, `$1${REDACTED}$2`);
}

/**
 * A deep copy of a JSON-like value (details, a broker body) with every string redacted. Errors inside
 * become redacted copies; functions and other objects are kept as they are. Returns the value itself
 * when nothing in it needed redacting.
 */
export function redactValue<T>(value: T, seen = new WeakMap<object, unknown>()): T {
  if (typeof value === 'string') return redact(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value) as T;
  if (value instanceof Error) return redactError(value, seen) as T;
  if (Array.isArray(value)) {
    seen.set(value, value);
    const copy = value.map((item) => redactValue(item, seen));
    return (copy.some((item, index) => item !== value[index]) ? copy : value) as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  seen.set(value, value);
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // A field named like a credential is hidden whatever it holds (a password nobody registered).
    copy[key] = typeof item === 'string' && item !== '' && SECRET_KEY.test(key) ? REDACTED : redactValue(item, seen);
    if (copy[key] !== item) changed = true;
  }
  return (changed ? copy : value) as T;
}

/**
 * An error as it may be printed: the error itself when it carries no secret, otherwise a copy of the
 * same class (same prototype, so `instanceof` and the class name still hold) whose message, stack,
 * own fields and whole `cause` chain are redacted. The original is never modified: it belongs to
 * whoever threw it.
 */
export function redactError<E>(error: E, seen = new WeakMap<object, unknown>()): E {
  if (!(error instanceof Error)) return redactValue(error, seen);
  if (seen.has(error)) return seen.get(error) as E;
  seen.set(error, error);
  const fields: Record<string, unknown> = {};
  let changed = false;
  for (const key of Reflect.ownKeys(error)) {
    if (typeof key !== 'string') continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    // Newer engines make `stack` an accessor; read it either way.
    if (!descriptor || (!('value' in descriptor) && key !== 'stack')) continue;
    const original = key === 'stack' ? error.stack : (descriptor.value as unknown);
    const next = key === 'cause' ? redactError(original, seen) : redactValue(original, seen);
    fields[key] = next;
    if (next !== original) changed = true;
  }
  if (!changed) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as Record<string, unknown>;
  for (const key of Reflect.ownKeys(error)) {
    if (typeof key !== 'string') continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (!descriptor) continue;
    if (key in fields) {
      Object.defineProperty(copy, key, {
        value: fields[key],
        writable: true,
        enumerable: descriptor.enumerable ?? false,
        configurable: true,
      });
    } else {
      Object.defineProperty(copy, key, descriptor);
    }
  }
  seen.set(error, copy);
  return copy as E;
}
