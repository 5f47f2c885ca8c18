/**
 * Starts a run's declared services in parallel and stops them in reverse order. What comes out is a
 * `Handoff`: plain JSON the adapters pass to worker processes (vitest provide/inject, jest env).
 * Every service's details are checked to be plain JSON before anything is handed off.
 */

import { BerthError, ConfigError, ContainerStartError, withDetails } from '../errors.js';
import { debug } from '../log.js';
import { inTrack, recorder, serviceTrack } from '../trace/recorder.js';
import { timelineLines } from '../trace/timeline.js';
import { type Broker, type BrokerAddress, startBroker } from './broker.js';
import { type BerthRunConfig, envString } from './config.js';
import type { RunningService, ServiceDefinition, ServiceDetailsBase, ServicesDetails } from './definition.js';
import type { KeepMode, KeptSlice } from './keep.js';
import { checkSerialisable } from './serialisable.js';
import { runSteps, type Step } from './steps.js';

const log = debug('services');

/** Everything a worker needs, serialisable. */
export interface Handoff<S extends Record<string, ServiceDefinition> = Record<string, ServiceDefinition>> {
  services: ServicesDetails<S>;
  /** Values computed by the config's `env` mapping. */
  env: Record<string, string>;
  /** Where workers ask for isolated slices (fresh databases); absent when no service offers them. */
  broker?: BrokerAddress;
}

export interface RunningServices<S extends Record<string, ServiceDefinition> = Record<string, ServiceDefinition>> {
  readonly handoff: Handoff<S>;
  readonly running: Readonly<Record<string, RunningService>>;
  /** From now on the broker answers every request with `reason` (the run is stopping). */
  stopping(reason: BerthError): void;
  /** Slices the broker set aside for the run's keep mode. */
  kept(): readonly KeptSlice[];
  /**
   * Closes the broker, then stops every service in reverse declaration order, except those named in
   * `spare` (they hold kept slices and stay running); runs every step, reports every failure.
   */
  stop(options?: { spare?: ReadonlySet<string> }): Promise<void>;
}

export interface StartServicesOptions {
  signal?: AbortSignal;
  /** Test workers the runner runs at once (sizes the isolation pools). */
  workers?: number;
  /** What the broker does with the slices of tests that end (default 'off'). */
  keep?: KeepMode;
}

export async function startServices<S extends Record<string, ServiceDefinition>>(
  config: BerthRunConfig<S>,
  options: StartServicesOptions = {},
): Promise<RunningServices<S>> {
  const names = Object.keys(config.services);
  const began = performance.now();
  const results = await Promise.allSettled(
    names.map((name) => {
      const definition = config.services[name] as ServiceDefinition;
      // Everything the start does (image, container, template, pool) is timed on the service's track.
      return inTrack(serviceTrack(name), async () => {
        const span = recorder().begin('start service', 'run', { image: definition.image });
        try {
          const service = await definition.start({
            name,
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.workers ? { workers: options.workers } : {}),
          });
          span.end();
          return service;
        } catch (error) {
          span.end({ failed: true });
          throw error;
        }
      });
    }),
  );
  const running: Record<string, RunningService> = {};
  const failures: { name: string; error: unknown }[] = [];
  results.forEach((result, index) => {
    const name = names[index] as string;
    if (result.status === 'fulfilled') running[name] = result.value;
    else failures.push({ name, error: result.reason });
  });
  let broker: Broker | undefined;
  const stopSteps = (spare: ReadonlySet<string> = new Set()): Step[] => [
    ...(broker ? [{ what: 'close the lease broker', run: () => broker?.close() }] : []),
    ...[...names].reverse().flatMap((name) => {
      const service = running[name];
      if (!service) return [];
      // A service holding kept slices: berth lets go of it, the container stays.
      return [{ what: `stop service ${name}`, run: () => (spare.has(name) ? service.stop({ leaveRunning: true }) : service.stop()) }];
    }),
  ];
  const abandon = async (error: unknown): Promise<never> => {
    await runSteps('stopping the services after a failed start', stopSteps()).catch((cleanup: unknown) =>
      log('cleaning up after a failed start failed too: %s', String(cleanup)),
    );
    throw error;
  };

  if (failures.length > 0) {
    const [first] = failures;
    const definition = config.services[first?.name as string] as ServiceDefinition;
    return abandon(
      withDetails(
        first?.error,
        // The service's timeline up to the failure: a CI log alone then shows where its time went.
        { service: first?.name, image: definition.image, timeline: timelineLines(recorder().spans(), serviceTrack(first?.name as string)) },
        (message, opts) => new ContainerStartError(message, opts),
      ),
    );
  }
  log('started %s in %d ms', names.join(', '), Math.round(performance.now() - began));

  const services = Object.fromEntries(names.map((name) => [name, (running[name] as RunningService).details])) as ServicesDetails<S>;
  try {
    for (const name of names) checkSerialisable(name, services[name]);
  } catch (error) {
    return abandon(error);
  }
  const env: Record<string, string> = {};
  for (const [key, compute] of Object.entries(config.env ?? {})) {
    try {
      env[key] = envString(key, compute(services));
    } catch (error) {
      if (error instanceof ConfigError) return abandon(error);
      return abandon(new BerthError(`computing env.${key} from the services' details failed`, { cause: error }));
    }
  }
  const withIsolation = Object.entries(running).filter(([, service]) => service.isolation !== undefined);
  try {
    broker =
      withIsolation.length > 0
        ? await startBroker(Object.fromEntries(withIsolation), options.keep ? { keep: options.keep } : {})
        : undefined;
  } catch (error) {
    return abandon(error);
  }

  let stopped: Promise<void> | undefined;
  return {
    handoff: { services, env, ...(broker ? { broker: broker.address } : {}) },
    running,
    stopping: (reason) => broker?.stopping(reason),
    kept: () => broker?.kept() ?? [],
    stop: (stopOptions) => {
      stopped ??= runSteps('stopping the services', stopSteps(stopOptions?.spare));
      return stopped;
    },
  };
}

export type { ServiceDetailsBase };
