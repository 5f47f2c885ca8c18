/**
 * `redis()`: the service definition runner adapters start (`services: { cache: redis() }`). Its
 * isolation hands each lease a logical database of its own (1–15), flushed on release.
 */
import { recordReuse } from '../../container/reuse-report.js';
import type { Isolation, Lease, RunningService, ServiceDefinition } from '../../services/definition.js';
import type { RedisDetails } from './details.js';
import { type RedisOptions, resolveRedisOptions } from './options.js';
import { type FreshRedisDatabase, startResolved } from './started.js';

export function redis(options: RedisOptions = {}): ServiceDefinition<RedisDetails> {
  const resolved = resolveRedisOptions(options);
  return {
    kind: 'redis',
    image: resolved.image,
    async start({ name, signal, workers }): Promise<RunningService<RedisDetails>> {
      const started = await startResolved(resolved, { service: name, ...(signal ? { signal } : {}), ...(workers ? { workers } : {}) });
      const leased = new Map<string, FreshRedisDatabase>();
      const isolation: Isolation<RedisDetails> = {
        async acquire(signal?: AbortSignal): Promise<Lease<RedisDetails>> {
          const fresh = await started.freshDatabase(signal ? { signal } : {});
          const id = String(fresh.db);
          leased.set(id, fresh);
          return { id, details: fresh.details };
        },
        async release(id: string): Promise<void> {
          const fresh = leased.get(id);
          if (!fresh) return;
          leased.delete(id);
          await fresh.release();
        },
      };
      const running: RunningService<RedisDetails> = { details: started.details, isolation, stop: (options) => started.stop(options) };
      // Under BERTH_REUSE the container may be an earlier run's: the run's first line says so.
      if (started.container.reuse) recordReuse(running, { container: started.container.reuse });
      return running;
    },
  };
}
