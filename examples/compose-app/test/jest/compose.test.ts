import type { ComposeDetails } from '@berth/core/compose';
import { freshDatabase, freshRedis, service } from '@berth/jest';
import { describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { redisCommand } from '../resp.js';

describe('the compose environment under jest', () => {
  test('the app answers, reaching postgres and redis by service name', async () => {
    // The compose file's service names, known to this suite: a typed view of the details.
    const stack = service('stack', 'compose') as ComposeDetails<'db' | 'cache' | 'app'>;
    const app = stack.services.app;
    const response = await fetch(`http://${app.host}:${app.ports['8000']}/health`);
    expect(await response.json()).toEqual({ db: true, cache: true, greeting: 'hello from compose' });
  });

  test('fresh databases come from the compose postgres and redis', async () => {
    const db = await freshDatabase('db', 'postgres');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM products')).rows[0]).toEqual({ n: 2 });
    } finally {
      await client.end();
    }
    const cache = await freshRedis('cache');
    expect(await redisCommand(cache, 'PING')).toBe('+PONG');
  });
});
