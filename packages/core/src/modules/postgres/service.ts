/**
 * `postgres()`: the service definition runner adapters start (`services: { db: postgres() }`). Its
 * isolation hands each lease a fresh database; lease details are the service's details pointing at
 * that database. Built on startPostgres() and its public methods only.
 */
import { recordReuse } from '../../container/reuse-report.js';
import type { Isolation, Lease, RunningService, ServiceDefinition } from '../../services/definition.js';
import type { PostgresDetails } from './details.js';
import { type PostgresOptions, resolvePostgresOptions } from './options.js';
import { type FreshDatabase, startResolved } from './started.js';

export function postgres(options: PostgresOptions = {}): ServiceDefinition<PostgresDetails> {
  // Validated now, so a bad option fails when the config is loaded, before anything starts.
  const resolved = resolvePostgresOptions(options);
  return {
    kind: 'postgres',
    image: resolved.image,
    async start({ name, signal, workers }): Promise<RunningService<PostgresDetails>> {
      const started = await startResolved(resolved, { service: name, ...(signal ? { signal } : {}), ...(workers ? { workers } : {}) });
      const leased = new Map<string, FreshDatabase>();
      const isolation: Isolation<PostgresDetails> = {
        async acquire(signal?: AbortSignal): Promise<Lease<PostgresDetails>> {
          const fresh = await started.freshDatabase(signal ? { signal } : {});
          leased.set(fresh.name, fresh);
          return { id: fresh.name, details: fresh.details };
        },
        async release(id: string): Promise<void> {
          const fresh = leased.get(id);
          if (!fresh) return;
          leased.delete(id);
          // Returns at once: the database is dropped in the background.
          await fresh.release();
        },
      };
      const running: RunningService<PostgresDetails> = { details: started.details, isolation, stop: (options) => started.stop(options) };
      const reuse = started.reuse;
      if (reuse) recordReuse(running, reuse);
      return running;
    },
  };
}
