/**
 * Orders and products in postgres. Placing and cancelling change stock in the same transaction as
 * the order, so a refused order (duplicate reference, not enough stock, bad quantity) leaves no trace.
 */
import type pg from 'pg';
import { fromConstraint, OrderError } from './errors.js';

export type OrderStatus = 'placed' | 'shipped' | 'cancelled';

export interface Order {
  id: number;
  reference: string;
  customer: string;
  sku: string;
  quantity: number;
  totalCents: number;
  status: OrderStatus;
  createdAt: string;
}

export interface NewOrder {
  reference: string;
  customer: string;
  sku: string;
  quantity: number;
}

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

const ORDER_COLUMNS = `id, reference, customer, sku, quantity, total_cents AS "totalCents", status,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

export class OrdersRepository {
  constructor(private readonly pool: pg.Pool) {}

  async place(order: NewOrder): Promise<Order> {
    return this.#transaction(async (client) => {
      // Taking the stock first locks the product row, so two orders cannot both take the last one.
      const taken = await client.query<{ price: number }>(
        'UPDATE products SET stock = stock - $2 WHERE sku = $1 RETURNING price_cents AS price',
        [order.sku, order.quantity],
      );
      const product = taken.rows[0];
      if (!product) throw new OrderError('unknown_product', 422, `no product has the sku ${order.sku}`);
      const inserted = await client.query<Order>(
        `INSERT INTO orders (reference, customer, sku, quantity, total_cents) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${ORDER_COLUMNS}`,
        [order.reference, order.customer, order.sku, order.quantity, product.price * order.quantity],
      );
      return inserted.rows[0] as Order;
    });
  }

  async get(id: number): Promise<Order | undefined> {
    const { rows } = await this.pool.query<Order>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Newest first. */
  async list(filter: { customer?: string; limit?: number } = {}): Promise<Order[]> {
    const { rows } = await this.pool.query<Order>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE ($1::text IS NULL OR customer = $1) ORDER BY id DESC LIMIT $2`,
      [filter.customer ?? null, filter.limit ?? 50],
    );
    return rows;
  }

  async ship(id: number): Promise<Order> {
    return this.#transaction((client) => this.#moveFromPlaced(client, id, 'shipped'));
  }

  /** Cancelling puts the quantity back in stock. */
  async cancel(id: number): Promise<Order> {
    return this.#transaction(async (client) => {
      const order = await this.#moveFromPlaced(client, id, 'cancelled');
      await client.query('UPDATE products SET stock = stock + $2 WHERE sku = $1', [order.sku, order.quantity]);
      return order;
    });
  }

  async product(sku: string): Promise<Product | undefined> {
    const { rows } = await this.pool.query<Product>('SELECT sku, name, price_cents AS "priceCents", stock FROM products WHERE sku = $1', [
      sku,
    ]);
    return rows[0];
  }

  async #moveFromPlaced(client: pg.PoolClient, id: number, to: OrderStatus): Promise<Order> {
    const { rows } = await client.query<Order>(
      `UPDATE orders SET status = $2 WHERE id = $1 AND status = 'placed' RETURNING ${ORDER_COLUMNS}`,
      [id, to],
    );
    if (rows[0]) return rows[0];
    const current = await client.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = $1', [id]);
    const status = current.rows[0]?.status;
    if (!status) throw new OrderError('not_found', 404, `no order ${id}`);
    throw new OrderError('wrong_status', 409, `order ${id} is ${status}; only a placed order can become ${to}`);
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw fromConstraint(error);
    } finally {
      client.release();
    }
  }
}
