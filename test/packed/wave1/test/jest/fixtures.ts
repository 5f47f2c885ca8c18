// #region jest-fixtures
import type { PostgresDetails } from '@berth/core/postgres';
import type { RedisDetails } from '@berth/core/redis';
import { freshDatabase } from '@berth/jest';
import { afterEach, beforeEach } from '@jest/globals';
import { type App, startApp } from '../../src/app.js';

export interface TestContext {
  db: PostgresDetails;
  cache: RedisDetails;
  app: App;
}

/**
 * For every test of the file: a fresh postgres database (cloned from the migrated template), a
 * fresh redis logical database, and the API running against both. Taken in beforeEach, so berth
 * gives them back when the test is done (after afterEach has closed the app).
 */
export function useApp(): TestContext {
  const context = {} as TestContext;
  beforeEach(async () => {
    context.db = await freshDatabase('db', 'postgres');
    context.cache = await freshDatabase('cache', 'redis');
    context.app = await startApp({ databaseUrl: context.db.url, redisUrl: context.cache.url });
  });
  afterEach(async () => {
    await context.app?.close();
  });
  return context;
}
// #endregion
