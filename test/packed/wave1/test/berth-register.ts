// The one file this project adds to what it was in 0.1: it registers the config's type, so the
// helpers know each service by name (`freshDatabase('db')` is a PostgresDetails again, as 0.1 typed
// it when postgres was the only database kind). CHANGELOG.md gives it as the migration.
import type {} from '@berth/core';
import type config from '../berth.config.js';

declare module '@berth/core' {
  interface Register {
    config: typeof config;
  }
}
