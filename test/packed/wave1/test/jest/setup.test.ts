import { join } from 'node:path';
import { service } from '@berth/jest';
import { describe, expect, test } from '@jest/globals';
import { startApp } from '../../src/app.js';
import { migrate } from '../../src/migrate.js';
import { call, sql } from '../support.js';
import { useApp } from './fixtures.js';

// jest runs this file as CommonJS (compiled by @swc/jest), where __dirname is defined.
const migrations = join(__dirname, '../../migrations');
const t = useApp();

describe('what berth set up', () => {
  test('a fresh database already has every migration, so migrating again applies nothing', async () => {
    const recorded = await sql<{ name: string }>(t.db.url, 'SELECT name FROM schema_migrations ORDER BY name');
    expect(recorded.map((row) => row.name)).toEqual(['001_products.sql', '002_orders.sql']);
    expect(await migrate(t.db.url, migrations)).toEqual({ applied: [], skipped: ['001_products.sql', '002_orders.sql'] });
  });

  test('each test gets a database and a redis db of its own', async () => {
    const shared = service('db', 'postgres');
    expect(t.db.database).not.toBe(shared.database);
    expect({ host: t.db.host, port: t.db.port }).toEqual({ host: shared.host, port: shared.port });
    expect(t.cache.db).not.toBe(service('cache', 'redis').db);
  });

  test('the app boots from the environment berth computed (DATABASE_URL, REDIS_URL)', async () => {
    // These point at the shared main databases, which have the schema too: read, don't write.
    const app = await startApp({ databaseUrl: process.env.DATABASE_URL ?? '', redisUrl: process.env.REDIS_URL ?? '' });
    try {
      expect((await call(app.url, 'GET', '/health')).status).toBe(200);
      expect((await call(app.url, 'GET', '/products/LAMP-OIL')).body.stock).toBe(0);
    } finally {
      await app.close();
    }
  });
});
