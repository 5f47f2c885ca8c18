/**
 * A compose file as a runner service (`berth.config.ts`): `compose({ files })` starts the project
 * once per run and hands workers each service's host and mapped ports. `.postgres('db')` and
 * `.redis('cache')` turn a service of the file into a postgres / redis service with fresh databases,
 * so the fresh-database helpers work on it. All of them share one start of the project, which is
 * removed when the last of them stops.
 */
import type { AdoptPostgresOptions } from '../modules/postgres/adopt.js';
import type { PostgresDetails } from '../modules/postgres/details.js';
import type { AdoptRedisOptions } from '../modules/redis/adopt.js';
import type { RedisDetails } from '../modules/redis/details.js';
import type { RunningService, ServiceDefinition, ServiceDetailsBase, ServiceStartContext } from '../services/definition.js';
import type { ComposeEnvironment, ComposeServiceDetails } from './environment.js';
import { type ComposeOptions, startCompose } from './up.js';

export interface ComposeDetails<S extends string = string> extends ServiceDetailsBase {
  kind: 'compose';
  project: string;
  /** Per service of the file: host and container port → host port. */
  services: Record<S, ComposeServiceDetails>;
}

export interface ComposeDefinition<S extends string = string> extends ServiceDefinition<ComposeDetails<S>> {
  /** The file's service `service`, as a postgres service (fresh databases from its main database). */
  postgres(service: S, options?: AdoptPostgresOptions): ServiceDefinition<PostgresDetails>;
  /** The file's service `service`, as a redis service (a logical database per lease). */
  redis(service: S, options?: AdoptRedisOptions): ServiceDefinition<RedisDetails>;
}

/** Options of startCompose, minus the per-call signal (the runner passes its own). */
export type ComposeServiceOptions = Omit<ComposeOptions, 'signal'>;

/**
 * `S` names the file's services for typed details: `compose<'db' | 'cache' | 'app'>({ files })`.
 */
export function compose<S extends string = string>(options: ComposeServiceOptions = {}): ComposeDefinition<S> {
  let shared: Promise<ComposeEnvironment> | undefined;
  let users = 0;
  const acquire = (signal: AbortSignal | undefined) => {
    users++;
    shared ??= startCompose({ ...options, ...(signal ? { signal } : {}) }).catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
    return shared.catch((error: unknown) => {
      users--;
      throw error;
    });
  };
  const release = async (env: ComposeEnvironment) => {
    if (--users > 0) return;
    shared = undefined;
    await env.stop();
  };
  const label = `compose:${[options.files ?? 'compose.yaml'].flat().join('+')}`;

  const definition: ComposeDefinition<S> = {
    kind: 'compose',
    image: label,
    async start({ signal }: ServiceStartContext): Promise<RunningService<ComposeDetails<S>>> {
      const env = await acquire(signal);
      const services = env.details() as Record<S, ComposeServiceDetails>;
      const first = Object.values<ComposeServiceDetails>(services).find((s) => Object.keys(s.ports).length > 0);
      const details: ComposeDetails<S> = {
        kind: 'compose',
        project: env.project,
        host: first?.host ?? '127.0.0.1',
        port: first ? (Object.values(first.ports)[0] as number) : 0,
        containerName: env.project,
        services,
      };
      return { details, stop: () => release(env) };
    },
    postgres(service, adoptOptions = {}) {
      return {
        kind: 'postgres',
        image: `${label}#${service}`,
        async start({ signal }) {
          const env = await acquire(signal);
          try {
            const { adoptPostgres } = await import('../modules/postgres/adopt.js');
            const adopted = await adoptPostgres(env.service(service), adoptOptions, signal);
            return {
              details: adopted.details,
              isolation: adopted.isolation,
              stop: async () => {
                await adopted.stop().finally(() => release(env));
              },
            };
          } catch (error) {
            await release(env).catch(() => undefined);
            throw error;
          }
        },
      };
    },
    redis(service, adoptOptions = {}) {
      return {
        kind: 'redis',
        image: `${label}#${service}`,
        async start({ signal }) {
          const env = await acquire(signal);
          try {
            const { adoptRedis } = await import('../modules/redis/adopt.js');
            const adopted = adoptRedis(env.service(service), adoptOptions);
            return {
              details: adopted.details,
              isolation: adopted.isolation,
              stop: async () => {
                await adopted.stop().finally(() => release(env));
              },
            };
          } catch (error) {
            await release(env).catch(() => undefined);
            throw error;
          }
        },
      };
    },
  };
  return definition;
}
