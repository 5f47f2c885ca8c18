/**
 * @berth/vitest — the plugin for vitest.config.ts. Tests import their helpers from @berth/vitest/test.
 *
 *   import { berth } from '@berth/vitest'
 *   import { postgres } from '@berth/core/postgres'
 *   export default defineConfig({
 *     plugins: [berth({ services: { db: postgres() }, env: { DATABASE_URL: (s) => s.db.url } })],
 *   })
 */
import './provided.js';

export type { BerthRunConfig, ServiceDefinition } from '@berth/core';
export type { Handoff } from '@berth/core/adapter';
export type { BerthPluginOptions } from '../plugin.js';
export { berth } from '../plugin.js';
