import { describe, expect, test } from '@jest/globals';
import { createClient } from '@redis/client';
import { OrderCache } from '../../src/order-cache.js';
import type { Order } from '../../src/orders-repository.js';
import { call, reference, sql } from '../support.js';
import { useApp } from './fixtures.js';

const t = useApp();

async function placeMug(): Promise<Order> {
  return (await call<Order>(t.app.url, 'POST', '/orders', { reference: reference(), customer: 'ada', sku: 'MUG-1', quantity: 1 })).body;
}

describe('the order cache', () => {
  test('the first read misses and fills the cache; the next one hits', async () => {
    const order = await placeMug();
    const first = await call<Order>(t.app.url, 'GET', `/orders/${order.id}`);
    const second = await call<Order>(t.app.url, 'GET', `/orders/${order.id}`);

    expect(first.headers.get('x-cache')).toBe('miss');
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
  });

  test('a hit comes from redis, not from postgres', async () => {
    const order = await placeMug();
    await call(t.app.url, 'GET', `/orders/${order.id}`); // cached now
    // Change the row behind the API's back: the cached copy still answers.
    await sql(t.db.url, "UPDATE orders SET customer = 'changed' WHERE id = $1", [order.id]);

    const cached = await call<Order>(t.app.url, 'GET', `/orders/${order.id}`);
    expect(cached.headers.get('x-cache')).toBe('hit');
    expect(cached.body.customer).toBe('ada');
  });

  test('shipping and cancelling invalidate the cached order', async () => {
    const shipped = await placeMug();
    await call(t.app.url, 'GET', `/orders/${shipped.id}`);
    await call(t.app.url, 'POST', `/orders/${shipped.id}/ship`);
    const afterShip = await call<Order>(t.app.url, 'GET', `/orders/${shipped.id}`);
    expect([afterShip.headers.get('x-cache'), afterShip.body.status]).toEqual(['miss', 'shipped']);

    const cancelled = await placeMug();
    await call(t.app.url, 'GET', `/orders/${cancelled.id}`);
    await call(t.app.url, 'POST', `/orders/${cancelled.id}/cancel`);
    const afterCancel = await call<Order>(t.app.url, 'GET', `/orders/${cancelled.id}`);
    expect([afterCancel.headers.get('x-cache'), afterCancel.body.status]).toEqual(['miss', 'cancelled']);
  });

  test('entries expire after their time to live', async () => {
    const order = await placeMug();
    await call(t.app.url, 'GET', `/orders/${order.id}`);
    // Ask redis itself, on the logical database berth gave this test.
    const redis = await createClient({ url: t.cache.url }).connect();
    try {
      const ttl = await redis.ttl(OrderCache.key(order.id));
      expect(ttl).toBeGreaterThan(290);
      expect(ttl).toBeLessThanOrEqual(300);
    } finally {
      await redis.close();
    }
  });

  test('a missing order is a 404 and caches nothing', async () => {
    expect((await call(t.app.url, 'GET', '/orders/999')).status).toBe(404);
    const redis = await createClient({ url: t.cache.url }).connect();
    try {
      expect(await redis.dbSize()).toBe(0);
    } finally {
      await redis.close();
    }
  });
});
