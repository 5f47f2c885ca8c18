/**
 * `mysql()`: the service definition runner adapters start (`services: { db: mysql() }`), for mysql
 * and mariadb images. Its isolation hands each lease a fresh database; lease details are the
 * service's details pointing at that database. Built on startMysql() and its public methods only.
 */
import type { Isolation, Lease, RunningService, ServiceDefinition } from '../../services/definition.js';
import type { MysqlDetails } from './details.js';
import { type MysqlOptions, resolveMysqlOptions } from './options.js';
import { type FreshMysqlDatabase, startResolvedMysql } from './started.js';

export function mysql(options: MysqlOptions = {}): ServiceDefinition<MysqlDetails> {
  // Validated now, so a bad option fails when the config is loaded, before anything starts.
  const resolved = resolveMysqlOptions(options);
  return {
    kind: 'mysql',
    image: resolved.image,
    async start({ name, signal, workers }): Promise<RunningService<MysqlDetails>> {
      const started = await startResolvedMysql(resolved, {
        service: name,
        ...(signal ? { signal } : {}),
        ...(workers ? { workers } : {}),
      });
      const leased = new Map<string, FreshMysqlDatabase>();
      const isolation: Isolation<MysqlDetails> = {
        async acquire(signal?: AbortSignal): Promise<Lease<MysqlDetails>> {
          const fresh = await started.freshDatabase(signal ? { signal } : {});
          leased.set(fresh.name, fresh);
          return { id: fresh.name, details: fresh.details };
        },
        async release(id: string): Promise<void> {
          const fresh = leased.get(id);
          if (!fresh) return;
          await fresh.release();
          leased.delete(id);
        },
      };
      return { details: started.details, isolation, stop: (options) => started.stop(options) };
    },
  };
}
