/**
 * @berth/core, loaded on first use. The code tests import (`service()`, `freshDatabase()`) is
 * evaluated again for every test file, and loading core (engine client and all) takes about a second:
 * so that code never imports it up front. It asks the test environment, which loads core once per
 * worker, or, on the rare path that needs an error without one, loads core here.
 */
import { createRequire } from 'node:module';
import { type ErrorRequest, findBridge } from './bridge.js';

export type Core = typeof import('@berth/core/broker');

let core: Core | undefined;

export function loadCore(): Core {
  core ??= createRequire(import.meta.url)('@berth/core/broker') as Core;
  return core;
}

/** A berth ConfigError, preferably from the environment's copy of core. */
export function configError(request: ErrorRequest): Error {
  const bridge = findBridge();
  if (bridge) return bridge.configError(request);
  return makeConfigError(loadCore(), request);
}

export function makeConfigError(from: Core, request: ErrorRequest): Error {
  return new from.ConfigError(request.message, {
    ...(request.hint === undefined ? {} : { hint: request.hint }),
    ...(request.service === undefined ? {} : { details: { service: request.service } }),
  });
}
