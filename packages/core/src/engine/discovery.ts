/**
 * Finds an engine. An explicit choice is final, as with the docker CLI: the engine option, else
 * DOCKER_HOST, else DOCKER_CONTEXT, else the docker config's currentContext — the first of these that
 * is set is the only endpoint tried, and if it cannot be parsed, resolved or reached, that is the
 * error (naming the variable and its value). Only when none is set does discovery walk the usual
 * sockets: /var/run/docker.sock → rootless/desktop sockets → Podman sockets → Colima sockets.
 *
 * All I/O goes through `DiscoveryIO` so the order and the reasons are unit-tested over a fake env
 * and filesystem; `index.ts` supplies the real one.
 */
import { join } from 'node:path';
import type { BerthConfig } from '../config.js';
import { BerthError, EngineUnreachableError, InvalidSpecError } from '../errors.js';
import { contextEndpoint, currentContext, tlsFromEnv } from './docker-config.js';
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
  /** For explicit strategies: "DOCKER_HOST=\"tcp://x:2375\"", used in errors. */
  explicit?: string;
  /** An endpoint to ping, or the reason there is none for this strategy. */
  resolve(): EngineEndpoint | { skip: string };
}

/** The explicit choice in force, if any (the first of option, DOCKER_HOST, DOCKER_CONTEXT, currentContext). */
export function explicitCandidate(cfg: BerthConfig, io: DiscoveryIO, explicit?: string | EngineEndpoint): Candidate | undefined {
  if (explicit !== undefined) {
    const label = typeof explicit === 'string' ? `engine option ${JSON.stringify(explicit)}` : `engine option ${explicit.display}`;
    return {
      strategy: 'option',
      explicit: label,
      resolve: () => (typeof explicit === 'string' ? parseDockerHost(explicit, tlsFromEnv(cfg, io), 'the engine option') : explicit),
    };
  }
  if (cfg.dockerHost) {
    const host = cfg.dockerHost;
    return {
      strategy: 'DOCKER_HOST',
      explicit: `DOCKER_HOST=${JSON.stringify(host)}`,
      resolve: () => parseDockerHost(host, tlsFromEnv(cfg, io)),
    };
  }
  const context = currentContext(cfg, io);
  if (context && context.name !== 'default') {
    return { strategy: 'docker context', explicit: context.source, resolve: () => contextEndpoint(cfg, io, context.name, context.source) };
  }
  return undefined;
}

export function candidates(cfg: BerthConfig, io: DiscoveryIO, explicit?: string | EngineEndpoint): Candidate[] {
  const chosen = explicitCandidate(cfg, io, explicit);
  if (chosen) return [chosen];
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
 * Tries the explicit choice, or else every socket in order, and returns the first endpoint that
 * answers. When nothing answers, throws one error that lists what was tried and what happened.
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
      attempts.push({ strategy: candidate.strategy, outcome: 'failed', reason: summaryOf(error) });
      if (candidate.explicit) throw unusable(candidate.explicit, error, attempts);
      continue;
    }
    try {
      const version = await io.ping(endpoint);
      attempts.push({ strategy: candidate.strategy, endpoint: endpoint.display, outcome: 'used' });
      return { endpoint, strategy: candidate.strategy, version, attempts };
    } catch (error) {
      attempts.push({ strategy: candidate.strategy, endpoint: endpoint.display, outcome: 'failed', reason: summaryOf(error) });
      if (candidate.explicit) {
        throw new EngineUnreachableError(`${candidate.explicit} was chosen explicitly and does not answer: ${summaryOf(error)}`, {
          hint: `${error instanceof BerthError && error.hint ? `${error.hint}; ` : ''}berth does not fall back to another engine when one is chosen explicitly`,
          cause: error,
          details: { attempts: attempts.map(formatAttempt), endpoint: endpoint.display },
        });
      }
    }
  }
  const tried = attempts.map((attempt) => `\n    - ${formatAttempt(attempt)}`).join('');
  throw new EngineUnreachableError(`no container engine answered; tried:${tried}`, {
    hint: 'is the engine running? start Docker or Podman, or set DOCKER_HOST to where it listens; `berth doctor` shows what was tried',
    details: { attempts: attempts.map(formatAttempt) },
  });
}

function summaryOf(error: unknown): string {
  if (error instanceof BerthError) return error.summary;
  return error instanceof Error ? error.message : String(error);
}

function unusable(choice: string, error: unknown, attempts: DiscoveryAttempt[]): BerthError {
  const summary = summaryOf(error);
  const message = summary.startsWith(choice.split('=')[0] as string) ? summary : `${choice} cannot be used: ${summary}`;
  return new InvalidSpecError(message, {
    hint: `${error instanceof BerthError && error.hint ? `${error.hint}; ` : ''}fix or unset it (berth does not fall back to another engine when one is chosen explicitly)`,
    cause: error,
    details: { attempts: attempts.map(formatAttempt) },
  });
}

export function formatAttempt(attempt: DiscoveryAttempt): string {
  const where = attempt.endpoint ? ` ${attempt.endpoint}` : '';
  const why = attempt.reason ? `: ${attempt.reason}` : '';
  return `${attempt.strategy}${where} — ${attempt.outcome}${why}`;
}
