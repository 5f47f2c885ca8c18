import { freshDatabase, freshRedis } from '@berth/vitest/test';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { redisCommand } from '../resp.js';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("fresh databases from the compose file's postgres and redis", () => {
  test('a fresh database starts from what init.sql made, and is mine alone', async () => {
    const db = await freshDatabase('db');
    expect(db.user).toBe('shop');
    expect(await query(db.url, 'SELECT sku, stock FROM products ORDER BY sku')).toEqual([
      { sku: 'MUG-1', stock: 10 },
      { sku: 'ROPE-20', stock: 3 },
    ]);
    await query(db.url, "UPDATE products SET stock = 0 WHERE sku = 'MUG-1'");
    expect(await query(db.url, "SELECT stock FROM products WHERE sku = 'MUG-1'")).toEqual([{ stock: 0 }]);
  });

  test('the next test gets an untouched copy', async () => {
    const db = await freshDatabase('db');
    expect(await query(db.url, "SELECT stock FROM products WHERE sku = 'MUG-1'")).toEqual([{ stock: 10 }]);
  });

  test('a fresh redis database is empty and not the app’s', async () => {
    const cache = await freshRedis('cache');
    expect(cache.db).toBeGreaterThan(0);
    expect(await redisCommand(cache, 'GET', 'visits')).toBe('$-1');
    expect(await redisCommand(cache, 'SET', 'mine', '1')).toBe('+OK');
  });
});
