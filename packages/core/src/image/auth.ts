/**
 * Registry credentials, found where the Docker CLI looks for them:
 *
 *   1. DOCKER_AUTH_CONFIG — a whole config.json given inline (the CI-secret style);
 *   2. $DOCKER_CONFIG/config.json (default ~/.docker/config.json).
 *
 * Inside one document the CLI's order applies: `credHelpers[registry]`, then `credsStore`, then the
 * `auths` entry (`auth` = base64 "user:password", or `username`/`password`, or `identitytoken`).
 * A helper that is not installed or knows nothing about the registry yields no credentials and a
 * debug note; the next source is tried. Every secret read here is registered for redaction.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BerthConfig, Env } from '../config.js';
import { config as processConfig } from '../config.js';
import { debug, registerSecret } from '../log.js';
import { registerCredentials } from '../secrets.js';
import { DOCKER_HUB } from './reference.js';

const log = debug('image:auth');

/** The body of Docker's X-Registry-Auth header. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

/** Where the credentials came from (for debug output and `berth doctor`). */
export interface ResolvedAuth {
  auth: RegistryAuth;
  source: string;
}

export interface AuthLookupOptions {
  /** Configuration to read DOCKER_AUTH_CONFIG and DOCKER_CONFIG from; default: the process's. */
  config?: Pick<BerthConfig, 'dockerAuthConfig' | 'dockerConfigDir'>;
  /** Environment for credential helpers (PATH decides which binary runs); default process.env. */
  env?: Env;
  /** Deadline for one credential helper call. Default 15 s. */
  helperTimeoutMs?: number;
  signal?: AbortSignal;
}

/** The key Docker Hub credentials are stored under, and the server address helpers are asked for. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string } | null>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/**
 * Credentials for `registry` (a host[:port] as in an image reference: `docker.io`, `ghcr.io`,
 * `127.0.0.1:5000`), or undefined when none are configured.
 */
export async function resolveRegistryAuth(registry: string, options: AuthLookupOptions = {}): Promise<ResolvedAuth | undefined> {
  const cfg = options.config ?? processConfig();
  const host = normaliseHost(registry);

  if (cfg.dockerAuthConfig) {
    const doc = parseConfig(cfg.dockerAuthConfig, 'DOCKER_AUTH_CONFIG');
    const found = doc && (await fromDocument(doc, host, 'DOCKER_AUTH_CONFIG', options));
    if (found) return found;
  }

  const file = join(cfg.dockerConfigDir, 'config.json');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    log('no %s (%s)', file, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  if (text !== undefined) {
    const doc = parseConfig(text, file);
    const found = doc && (await fromDocument(doc, host, file, options));
    if (found) return found;
  }
  log('no credentials for %s', host);
  return undefined;
}

/** `https://index.docker.io/v1/` → `docker.io`; `http://host:5000/v2/` → `host:5000`. */
export function normaliseHost(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

function parseConfig(text: string, where: string): DockerConfigFile | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') return value as DockerConfigFile;
    log('%s is not a JSON object; ignoring it', where);
  } catch (error) {
    // The text may hold secrets: say what is wrong without quoting it.
    log('%s is not valid JSON (%s); ignoring it', where, (error as Error).name);
  }
  return undefined;
}

async function fromDocument(
  doc: DockerConfigFile,
  host: string,
  where: string,
  options: AuthLookupOptions,
): Promise<ResolvedAuth | undefined> {
  const serverAddress = host === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : host;

  const helperKey = Object.keys(doc.credHelpers ?? {}).find((key) => normaliseHost(key) === host);
  const helper = helperKey === undefined ? undefined : doc.credHelpers?.[helperKey];
  if (helper) {
    const found = await fromHelper(helper, serverAddress, options);
    if (found) return { auth: found, source: `${where} credHelpers (docker-credential-${helper})` };
  } else if (doc.credsStore) {
    const found = await fromHelper(doc.credsStore, serverAddress, options);
    if (found) return { auth: found, source: `${where} credsStore (docker-credential-${doc.credsStore})` };
  }

  for (const [key, entry] of Object.entries(doc.auths ?? {})) {
    if (!entry || normaliseHost(key) !== host) continue;
    const auth = fromAuthEntry(entry, serverAddress, `${where} auths["${key}"]`);
    if (auth) return { auth, source: `${where} auths["${key}"]` };
  }
  return undefined;
}

function fromAuthEntry(
  entry: NonNullable<NonNullable<DockerConfigFile['auths']>[string]>,
  serverAddress: string,
  where: string,
): RegistryAuth | undefined {
  registerSecret(entry.auth);
  registerSecret(entry.password);
  registerSecret(entry.identitytoken);
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: serverAddress };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      log('%s: "auth" is not base64 of "user:password"; ignoring it', where);
      return undefined;
    }
    const password = decoded.slice(colon + 1);
    registerSecret(password);
    return { username: decoded.slice(0, colon), password, serveraddress: serverAddress };
  }
  if (entry.username && entry.password !== undefined) {
    registerCredentials(entry.username, entry.password);
    return { username: entry.username, password: entry.password, serveraddress: serverAddress };
  }
  return undefined;
}

/**
 * Runs `docker-credential-<name> get` with the server address on stdin. Missing binary, a
 * "credentials not found" answer or garbage all mean "no credentials here".
 */
async function fromHelper(name: string, serverAddress: string, options: AuthLookupOptions): Promise<RegistryAuth | undefined> {
  if (!/^[\w.-]+$/.test(name)) {
    log('credential helper name %j is not a plain program name; ignoring it', name);
    return undefined;
  }
  const program = `docker-credential-${name}`;
  const signal = AbortSignal.any([AbortSignal.timeout(options.helperTimeoutMs ?? 15_000), ...(options.signal ? [options.signal] : [])]);
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string; error?: NodeJS.ErrnoException }>((resolve) => {
    const child = spawn(program, ['get'], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => undefined); // helper exited before reading: its exit code tells the story
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, stdout: '', stderr: '', error }));
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(serverAddress);
  });

  if (result.error) {
    if (result.error.code === 'ENOENT') log('credential helper %s is not on PATH; no credentials from it', program);
    else log('credential helper %s failed to run: %s', program, result.error.message);
    return undefined;
  }
  if (result.code !== 0) {
    log(
      'credential helper %s has nothing for %s (exit %d: %s)',
      program,
      serverAddress,
      result.code,
      result.stderr.trim() || result.stdout.trim(),
    );
    return undefined;
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    log('credential helper %s printed something that is not JSON; ignoring it', program);
    return undefined;
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  registerSecret(secret);
  if (secret === '') return undefined;
  log('credential helper %s gave credentials for %s', program, serverAddress);
  // Helpers hand out identity tokens under the user name "<token>".
  if (username === '<token>') return { identitytoken: secret, serveraddress: serverAddress };
  return { username, password: secret, serveraddress: serverAddress };
}
