// The tests' services: the compose file, and nothing else. berth starts it once per run (building
// the app's image), and makes its postgres and redis usable for fresh databases.
// #region compose-config
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@berth/core';
import { compose } from '@berth/core/compose';

const stack = compose<'db' | 'cache' | 'app'>({ cwd: fileURLToPath(new URL('.', import.meta.url)) });

export default defineConfig({
  services: {
    stack, // every service's host and mapped ports
    db: stack.postgres('db'), // fresh databases cloned from the compose postgres (init.sql included)
    cache: stack.redis('cache'), // a logical database of its own per lease
  },
  env: {
    APP_URL: (s) => `http://${s.stack.services.app.host}:${s.stack.services.app.ports['8000']}`,
  },
});
// #endregion
