/**
 * Finds an engine. Strategies are tried in a fixed order; each one either yields an endpoint that
 * answered a ping, or records why it was skipped or failed. The order:
 *
 *   option → DOCKER_HOST → docker context → /var/run/docker.sock → rootless/desktop sockets
 *   → Podman sockets → Colima sockets
 *
 * All I/O goes through `DiscoveryIO` so the order and the reasons are unit-tested over a fake env
 * and filesystem; `engine.ts` supplies the real one.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { BerthConfig } from '../config.js';
import { EngineUnreachableError } from '../errors.js';
import { type EngineEndpoint, parseDockerHost, socketEndpoint } from './endpoint.js';

export interface DiscoveryIO {
  exists(path: string): boolean;
  readFile(path: string): string | undefined;
  /** Resolves with the engine's version facts, or rejects with the reason it did not answer. */
  ping(endpoint: EngineEndpoint): Promise<EngineVersion>;
}

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os?: string;
  arch?: string;
  /** "Docker Engine - Community", "Podman Engine", ... */
  platform?: string;
}

export interface DiscoveryAttempt {
  strategy: string;
  endpoint?: string;
  outcome: 'used' | 'skipped' | 'failed';
  reason?: string;
}

export interface DiscoveryResult {
  endpoint: EngineEndpoint;
  strategy: string;
  version: EngineVersion;
  attempts: DiscoveryAttempt[];
}

interface Candidate {
  strategy: string;
  /** An endpoint to ping, or the reason there is none for this strategy. */
  resolve(): EngineEndpoint | { skip: string };
}

export function candidates(cfg: BerthConfig, io: DiscoveryIO, explicit?: string | EngineEndpoint): Candidate[] {
  const home = cfg.home;
  const runtime = cfg.xdgRuntimeDir;
  const socket = (strategy: string, path: string | undefined): Candidate => ({
    strategy,
    resolve: () => {
      if (path === undefined) return { skip: 'XDG_RUNTIME_DIR is not set' };
      return io.exists(path) ? socketEndpoint(path) : { skip: `no socket at ${path}` };
    },
  });
  return [
    {
      strategy: 'option',
      resolve: () => {
        if (explicit === undefined) return { skip: 'no engine option given' };
        return typeof explicit === 'string' ? parseDockerHost(explicit, tlsFromEnv(cfg, io)) : explicit;
      },
    },
    {
      strategy: 'DOCKER_HOST',
      resolve: () => (cfg.dockerHost ? parseDockerHost(cfg.dockerHost, tlsFromEnv(cfg, io)) : { skip: 'DOCKER_HOST is not set' }),
    },
    { strategy: 'docker context', resolve: () => contextEndpoint(cfg, io) },
    socket('default socket', '/var/run/docker.sock'),
    socket('rootless socket', runtime && join(runtime, 'docker.sock')),
    socket('Docker Desktop socket', join(home, '.docker/run/docker.sock')),
    socket('Docker Desktop socket', join(home, '.docker/desktop/docker.sock')),
    socket('Podman rootless socket', runtime && join(runtime, 'podman/podman.sock')),
    socket('Podman socket', '/run/podman/podman.sock'),
    socket('Colima socket', join(home, '.colima/default/docker.sock')),
    socket('Colima socket', join(home, '.colima/docker.sock')),
  ];
}

/**
 * Tries every strategy in order and returns the first endpoint that answers. When nothing answers,
 * throws one error that lists each strategy and what happened to it.
 */
export async function discover(cfg: BerthConfig, io: DiscoveryIO, explicit?: string | EngineEndpoint): Promise<DiscoveryResult> {
  const attempts: DiscoveryAttempt[] = [];
  for (const candidate of candidates(cfg, io, explicit)) {
    let endpoint: EngineEndpoint;
    try {
      const resolved = candidate.resolve();
      if ('skip' in resolved) {
        attempts.push({ strategy: candidate.strategy, outcome: 'skipped', reason: resolved.skip });
        continue;
      }
      endpoint = resolved;
    } catch (error) {
      attempts.push({ strategy: candidate.strategy, outcome: 'failed', reason: (error as Error).message });
      continue;
    }
    try {
      const version = await io.ping(endpoint);
      attempts.push({ strategy: candidate.strategy, endpoint: endpoint.display, outcome: 'used' });
      return { endpoint, strategy: candidate.strategy, version, attempts };
    } catch (error) {
      attempts.push({
        strategy: candidate.strategy,
        endpoint: endpoint.display,
        outcome: 'failed',
        reason: (error as Error).message,
      });
      // An explicit choice (option, DOCKER_HOST, context) is the user's intent: do not silently fall
      // through to a different engine when it fails.
      if (candidate.strategy === 'option' || candidate.strategy === 'DOCKER_HOST' || candidate.strategy === 'docker context') {
        break;
      }
    }
  }
  const tried = attempts.map((attempt) => `\n    - ${formatAttempt(attempt)}`).join('');
  throw new EngineUnreachableError(`no container engine answered; tried:${tried}`, {
    hint: 'is the engine running? start Docker (or run scripts/engine-up), or set DOCKER_HOST; `berth doctor` shows what was tried',
    details: { attempts: attempts.map(formatAttempt) },
  });
}

export function formatAttempt(attempt: DiscoveryAttempt): string {
  const where = attempt.endpoint ? ` ${attempt.endpoint}` : '';
  const why = attempt.reason ? `: ${attempt.reason}` : '';
  return `${attempt.strategy}${where} — ${attempt.outcome}${why}`;
}

function tlsFromEnv(cfg: BerthConfig, io: DiscoveryIO): EngineEndpoint['tls'] {
  if (!cfg.dockerTlsVerify && !cfg.dockerCertPath) return undefined;
  const dir = cfg.dockerCertPath ?? join(cfg.home, '.docker');
  return readTls(io, dir, cfg.dockerTlsVerify);
}

function readTls(io: DiscoveryIO, dir: string, verify: boolean): NonNullable<EngineEndpoint['tls']> {
  const ca = io.readFile(join(dir, 'ca.pem'));
  const cert = io.readFile(join(dir, 'cert.pem'));
  const key = io.readFile(join(dir, 'key.pem'));
  return { verify, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** Resolves DOCKER_CONTEXT, else `currentContext` of the docker config, through the contexts store. */
function contextEndpoint(cfg: BerthConfig, io: DiscoveryIO): EngineEndpoint | { skip: string } {
  let name = cfg.dockerContext;
  if (!name) {
    const raw = io.readFile(join(cfg.dockerConfigDir, 'config.json'));
    if (raw === undefined) return { skip: `no ${join(cfg.dockerConfigDir, 'config.json')}` };
    try {
      name = (JSON.parse(raw) as { currentContext?: string }).currentContext;
    } catch {
      return { skip: `${join(cfg.dockerConfigDir, 'config.json')} is not valid JSON` };
    }
    if (!name) return { skip: 'no currentContext in the docker config' };
  }
  if (name === 'default') return { skip: 'context "default" means the default socket' };
  const digest = createHash('sha256').update(name).digest('hex');
  const metaPath = join(cfg.dockerConfigDir, 'contexts/meta', digest, 'meta.json');
  const raw = io.readFile(metaPath);
  if (raw === undefined) throw new Error(`context ${JSON.stringify(name)} not found (no ${metaPath})`);
  const meta = JSON.parse(raw) as { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  const docker = meta.Endpoints?.docker;
  if (!docker?.Host) throw new Error(`context ${JSON.stringify(name)} has no docker endpoint`);
  const tlsDir = join(cfg.dockerConfigDir, 'contexts/tls', digest, 'docker');
  const tls = io.exists(tlsDir) ? readTls(io, tlsDir, !docker.SkipTLSVerify) : undefined;
  const endpoint = parseDockerHost(docker.Host, tls);
  return { ...endpoint, display: `${endpoint.display} (context ${name})` };
}
