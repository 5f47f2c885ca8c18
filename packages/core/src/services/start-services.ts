/**
 * Starts a run's declared services in parallel and stops them in reverse order. What comes out is a
 * `Handoff`: plain JSON the adapters pass to worker processes (vitest provide/inject, jest env).
 */
import { BerthError, CleanupError, ContainerStartError, withDetails } from '../errors.js';
import { debug } from '../log.js';
import { type BrokerAddress, startBroker } from './broker.js';
import type { BerthRunConfig } from './config.js';
import type { RunningService, ServiceDefinition, ServiceDetailsBase, ServicesDetails } from './definition.js';

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
  /** Stops the broker, then every service in reverse declaration order; collects all failures. */
  stop(): Promise<void>;
}

export async function startServices<S extends Record<string, ServiceDefinition>>(
  config: BerthRunConfig<S>,
  options: { signal?: AbortSignal } = {},
): Promise<RunningServices<S>> {
  const names = Object.keys(config.services);
  const began = performance.now();
  const results = await Promise.allSettled(
    names.map((name) => {
      const definition = config.services[name] as ServiceDefinition;
      return definition.start({ name, ...(options.signal ? { signal: options.signal } : {}) });
    }),
  );
  const running: Record<string, RunningService> = {};
  const failures: { name: string; error: unknown }[] = [];
  results.forEach((result, index) => {
    const name = names[index] as string;
    if (result.status === 'fulfilled') running[name] = result.value;
    else failures.push({ name, error: result.reason });
  });

  if (failures.length > 0) {
    await stopAll(names, running).catch(() => undefined);
    const [first] = failures;
    const definition = config.services[first?.name as string] as ServiceDefinition;
    throw withDetails(
      first?.error,
      { service: first?.name, image: definition.image },
      (message, opts) => new ContainerStartError(message, opts),
    );
  }
  log('started %s in %d ms', names.join(', '), Math.round(performance.now() - began));

  const services = Object.fromEntries(names.map((name) => [name, (running[name] as RunningService).details])) as ServicesDetails<S>;
  const env: Record<string, string> = {};
  for (const [key, compute] of Object.entries(config.env ?? {})) {
    try {
      env[key] = String(compute(services));
    } catch (error) {
      await stopAll(names, running).catch(() => undefined);
      throw new BerthError(`computing env.${key} from the services' details failed`, { cause: error });
    }
  }

  const withIsolation = Object.entries(running).filter(([, service]) => service.isolation !== undefined);
  const broker = withIsolation.length > 0 ? await startBroker(Object.fromEntries(withIsolation)) : undefined;

  let stopped: Promise<void> | undefined;
  return {
    handoff: { services, env, ...(broker ? { broker: broker.address } : {}) },
    running,
    stop: () => {
      stopped ??= (async () => {
        await broker?.close();
        await stopAll(names, running);
      })();
      return stopped;
    },
  };
}

async function stopAll(names: string[], running: Record<string, RunningService>): Promise<void> {
  const errors: unknown[] = [];
  for (const name of [...names].reverse()) {
    const service = running[name];
    if (!service) continue;
    try {
      await service.stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new CleanupError(`stopping ${errors.length} service(s) failed`, errors);
}

export type { ServiceDetailsBase };
