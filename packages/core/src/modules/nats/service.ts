/**
 * `nats()`: the service definition runner adapters start (`services: { bus: nats() }`). Its
 * isolation hands each lease a NATS account of its own; a release returns at once and the account
 * is recycled in the background. A request when every account is out fails after the options'
 * `acquireTimeoutMs` (the resolved options reach startResolved whole).
 */
import type { Isolation, Lease, RunningService, ServiceDefinition } from '../../services/definition.js';
import type { NatsDetails } from './details.js';
import { type NatsOptions, resolveNatsOptions } from './options.js';
import { type FreshNatsAccount, startResolved } from './started.js';

export function nats(options: NatsOptions = {}): ServiceDefinition<NatsDetails> {
  const resolved = resolveNatsOptions(options);
  return {
    kind: 'nats',
    image: resolved.image,
    async start({ name, signal }): Promise<RunningService<NatsDetails>> {
      const started = await startResolved(resolved, { service: name, ...(signal ? { signal } : {}) });
      const leased = new Map<string, FreshNatsAccount>();
      const running: RunningService<NatsDetails> = { details: started.details, stop: (options) => started.stop(options) };
      if (resolved.accounts === 0) return running;
      const isolation: Isolation<NatsDetails> = {
        async acquire(signal?: AbortSignal): Promise<Lease<NatsDetails>> {
          const fresh = await started.freshAccount(signal ? { signal } : {});
          leased.set(fresh.account, fresh);
          return { id: fresh.account, details: fresh.details };
        },
        async release(id: string): Promise<void> {
          const fresh = leased.get(id);
          if (!fresh) return;
          leased.delete(id);
          await fresh.release();
        },
      };
      return { ...running, isolation };
    },
  };
}
