// Types of the broker kinds for `freshLease(name, kind)` of @berth/vitest/test, which today knows
// postgres and redis; the shared ServiceKinds of @berth/core lists all four.
import type { NatsDetails } from '@berth/core/nats';
import type { RabbitmqDetails } from '@berth/core/rabbitmq';

declare module '@berth/vitest/test' {
  interface ServiceKinds {
    rabbitmq: RabbitmqDetails;
    nats: NatsDetails;
  }
}
