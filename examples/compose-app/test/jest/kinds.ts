// The compose service's details are typed through the preset's extension point.
import type { ComposeDetails } from '@berth/core/compose';

declare module '@berth/jest' {
  interface ServiceKinds {
    compose: ComposeDetails<'db' | 'cache' | 'app'>;
  }
}
