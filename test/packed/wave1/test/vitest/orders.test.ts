import type { Order } from '../../src/orders-repository.js';
import { call, reference, sql } from '../support.js';
import { describe, expect, test } from './fixtures.js';

describe('placing orders', () => {
  // #region vitest-test
  test('an order is stored, priced and taken from stock', async ({ app }) => {
    const placed = await call<Order>(app.url, 'POST', '/orders', { reference: reference(), customer: 'ada', sku: 'MUG-1', quantity: 3 });

    expect(placed.status).toBe(201);
    expect(placed.headers.get('location')).toBe(`/orders/${placed.body.id}`);
    expect(placed.body).toMatchObject({ customer: 'ada', sku: 'MUG-1', quantity: 3, totalCents: 3600, status: 'placed' });
    expect((await call(app.url, 'GET', '/products/MUG-1')).body.stock).toBe(7);
  });
  // #endregion

  test('every test starts from the migrated template: full stock, no orders', async ({ app, db }) => {
    // The test above took 3 mugs, in a database of its own that is gone by now.
    expect((await call(app.url, 'GET', '/products/MUG-1')).body.stock).toBe(10);
    expect(await sql(db.url, 'SELECT id FROM orders')).toEqual([]);
  });

  test("lists a customer's orders, newest first", async ({ app }) => {
    for (const [customer, sku] of [
      ['ada', 'MUG-1'],
      ['grace', 'MUG-1'],
      ['ada', 'ROPE-20'],
    ]) {
      await call(app.url, 'POST', '/orders', { reference: reference(), customer, sku, quantity: 1 });
    }
    const { body } = await call<Order[]>(app.url, 'GET', '/orders?customer=ada');
    expect(body.map((order) => order.sku)).toEqual(['ROPE-20', 'MUG-1']);
  });

  test('cancelling puts the stock back; a cancelled order cannot ship', async ({ app }) => {
    const { body: order } = await call<Order>(app.url, 'POST', '/orders', {
      reference: reference(),
      customer: 'ada',
      sku: 'ROPE-20',
      quantity: 2,
    });
    expect((await call(app.url, 'POST', `/orders/${order.id}/cancel`)).body.status).toBe('cancelled');
    expect((await call(app.url, 'GET', '/products/ROPE-20')).body.stock).toBe(3);

    const ship = await call(app.url, 'POST', `/orders/${order.id}/ship`);
    expect(ship).toMatchObject({ status: 409, body: { error: 'wrong_status' } });
  });
});

describe('what the schema refuses', () => {
  test('the same reference twice (unique constraint): 409, and stock is taken once', async ({ app }) => {
    const order = { reference: reference('dup'), customer: 'ada', sku: 'MUG-1', quantity: 1 };
    expect((await call(app.url, 'POST', '/orders', order)).status).toBe(201);

    const again = await call(app.url, 'POST', '/orders', order);
    expect(again).toMatchObject({ status: 409, body: { error: 'duplicate_reference' } });
    expect((await call(app.url, 'GET', '/products/MUG-1')).body.stock).toBe(9);
  });

  test('more than is in stock (check constraint): 409, nothing written', async ({ app, db }) => {
    const refused = await call(app.url, 'POST', '/orders', { reference: reference(), customer: 'ada', sku: 'ROPE-20', quantity: 4 });
    expect(refused).toMatchObject({ status: 409, body: { error: 'out_of_stock' } });
    expect(await sql(db.url, 'SELECT id FROM orders')).toEqual([]);
    expect((await call(app.url, 'GET', '/products/ROPE-20')).body.stock).toBe(3);
  });

  test('a quantity of zero or less (check constraint): 422, stock untouched', async ({ app }) => {
    for (const quantity of [0, -5]) {
      const refused = await call(app.url, 'POST', '/orders', { reference: reference(), customer: 'ada', sku: 'MUG-1', quantity });
      expect(refused).toMatchObject({ status: 422, body: { error: 'invalid', message: 'quantity must be at least 1' } });
    }
    expect((await call(app.url, 'GET', '/products/MUG-1')).body.stock).toBe(10);
  });

  test('an unknown product is 422 and malformed JSON is 400', async ({ app }) => {
    const unknown = await call(app.url, 'POST', '/orders', { reference: reference(), customer: 'ada', sku: 'NOPE', quantity: 1 });
    expect(unknown).toMatchObject({ status: 422, body: { error: 'unknown_product' } });
    expect((await call(app.url, 'POST', '/orders', '{"reference":')).status).toBe(400);
  });
});
