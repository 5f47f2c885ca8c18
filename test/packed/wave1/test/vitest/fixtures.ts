// #region vitest-fixtures
import { freshDatabase, freshRedis, type PostgresDetails, type RedisDetails } from '@berth/vitest/test';
import { test as base } from 'vitest';
import { type App, startApp } from '../../src/app.js';

/**
 * `test` with three fixtures: a fresh postgres database (cloned from the migrated template, dropped
 * when the test ends), a fresh redis logical database (flushed and given back), and the API
 * running against both. A test asks for what it uses: `test('...', async ({ app }) => ...)`.
 */
export const test = base.extend<{ db: PostgresDetails; cache: RedisDetails; app: App }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  db: async ({}, use) => use(await freshDatabase('db')),
  // biome-ignore lint/correctness/noEmptyPattern: as above
  cache: async ({}, use) => use(await freshRedis('cache')),
  app: async ({ db, cache }, use) => {
    const app = await startApp({ databaseUrl: db.url, redisUrl: cache.url });
    await use(app);
    await app.close(); // before berth drops the database
  },
});
// #endregion

export { describe, expect } from 'vitest';
