/**
 * `getEngine()`: discovery runs once per process, however many starts race for it (they share one
 * promise). A failed discovery is not cached, so a later call can succeed once the engine is up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type BerthConfig, config } from '../config.js';
import { debug } from '../log.js';
import { recorder } from '../trace/recorder.js';
import { type DiscoveryIO, discover, formatAttempt } from './discovery.js';
import type { EngineEndpoint } from './endpoint.js';
import { Engine } from './engine.js';
import { resolveLocalhost, resolvePortHost } from './host.js';
import { negotiatedPrefix, pingEndpoint } from './system.js';
import { Transport } from './transport.js';

const log = debug('engine');

export interface EngineOptions {
  /** An engine address (DOCKER_HOST syntax) or endpoint that overrides discovery. */
  engine?: string | EngineEndpoint;
}

export const realDiscoveryIO: DiscoveryIO = {
  exists: (path) => existsSync(path),
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  ping: (endpoint) => pingEndpoint(endpoint),
};

let shared: Promise<Engine> | undefined;

export function getEngine(options: EngineOptions = {}): Promise<Engine> {
  if (options.engine !== undefined) return connect(config(), options.engine);
  if (!shared) {
    // Discovery is the run's, not the service's that happened to ask first.
    const span = recorder().begin('discover engine', 'engine', undefined, 'run');
    shared = connect(config());
    shared.then(
      () => span.end(),
      () => {
        span.end({ failed: true });
        shared = undefined;
      },
    );
  }
  return shared;
}

export async function connect(cfg: BerthConfig, explicit?: string | EngineEndpoint, io: DiscoveryIO = realDiscoveryIO): Promise<Engine> {
  const started = performance.now();
  const localhost = resolveLocalhost();
  const result = await discover(cfg, io, explicit);
  const portHost = await resolvePortHost(cfg, result.endpoint, localhost);
  log(
    'using %s via %s (engine %s, API %s) in %d ms; ports on %s',
    result.endpoint.display,
    result.strategy,
    result.version.version,
    result.version.apiVersion,
    Math.round(performance.now() - started),
    portHost,
  );
  for (const attempt of result.attempts) log('  %s', formatAttempt(attempt));
  const transport = new Transport(result.endpoint);
  transport.prefix = negotiatedPrefix(result.version.apiVersion);
  return new Engine(transport, { ...result, portHost });
}

export type { EngineEndpoint } from './endpoint.js';
export type { ContainerInspect, EngineFacts, ExecResult } from './engine.js';
export { Engine } from './engine.js';
