// The compose service's details are typed through the adapters' extension point.
import type { ComposeDetails } from '@berth/core/compose';

declare module '@berth/vitest/test' {
  interface ServiceKinds {
    compose: ComposeDetails<'db' | 'cache' | 'app'>;
  }
}
