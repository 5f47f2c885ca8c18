/**
 * `rabbitmq()`: the service definition runner adapters start (`services: { mq: rabbitmq() }`). Its
 * isolation hands each lease a fresh vhost of its own, deleted in the background once released.
 */
import type { Isolation, Lease, RunningService, ServiceDefinition } from '../../services/definition.js';
import type { RabbitmqDetails } from './details.js';
import { type RabbitmqOptions, resolveRabbitmqOptions } from './options.js';
import { type FreshVhost, startResolved } from './started.js';

export function rabbitmq(options: RabbitmqOptions = {}): ServiceDefinition<RabbitmqDetails> {
  // Validated now, so a bad option fails when the config is loaded, before anything starts.
  const resolved = resolveRabbitmqOptions(options);
  return {
    kind: 'rabbitmq',
    image: resolved.image,
    async start({ name, signal, workers }): Promise<RunningService<RabbitmqDetails>> {
      const started = await startResolved(resolved, { service: name, ...(signal ? { signal } : {}), ...(workers ? { workers } : {}) });
      const leased = new Map<string, FreshVhost>();
      const isolation: Isolation<RabbitmqDetails> = {
        async acquire(signal?: AbortSignal): Promise<Lease<RabbitmqDetails>> {
          const fresh = await started.freshVhost(signal ? { signal } : {});
          leased.set(fresh.vhost, fresh);
          return { id: fresh.vhost, details: fresh.details };
        },
        async release(id: string): Promise<void> {
          const fresh = leased.get(id);
          if (!fresh) return;
          leased.delete(id);
          // Returns at once: the vhost is deleted in the background.
          await fresh.release();
        },
      };
      return { details: started.details, isolation, stop: (options) => started.stop(options) };
    },
  };
}
