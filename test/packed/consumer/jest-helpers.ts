import { freshDatabase, freshRedis, service, withBerth } from '@berth/jest';

export const jestConfig = withBerth({ testMatch: ['**/*.test.ts'] });

export async function useJestHelpers(): Promise<string> {
  const db = service('db', 'postgres');
  const mine = await freshDatabase('db');
  const cache = await freshRedis('cache');
  return `${db.host}:${db.port} ${mine.url} ${cache.url}`;
}
