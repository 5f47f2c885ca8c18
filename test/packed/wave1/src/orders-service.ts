/** The API's behaviour: orders from postgres, single orders cached in redis, changes invalidating. */
import { OrderError } from './errors.js';
import type { OrderCache } from './order-cache.js';
import type { NewOrder, Order, OrdersRepository, Product } from './orders-repository.js';

export type CacheOutcome = 'hit' | 'miss';

export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly cache: OrderCache,
  ) {}

  place(order: NewOrder): Promise<Order> {
    return this.orders.place(order);
  }

  list(filter: { customer?: string; limit?: number } = {}): Promise<Order[]> {
    return this.orders.list(filter);
  }

  async get(id: number): Promise<{ order: Order; cache: CacheOutcome }> {
    const cached = await this.cache.get(id);
    if (cached) return { order: cached, cache: 'hit' };
    const order = await this.orders.get(id);
    if (!order) throw new OrderError('not_found', 404, `no order ${id}`);
    await this.cache.set(order);
    return { order, cache: 'miss' };
  }

  async ship(id: number): Promise<Order> {
    const order = await this.orders.ship(id);
    await this.cache.forget(id);
    return order;
  }

  async cancel(id: number): Promise<Order> {
    const order = await this.orders.cancel(id);
    await this.cache.forget(id);
    return order;
  }

  async product(sku: string): Promise<Product> {
    const product = await this.orders.product(sku);
    if (!product) throw new OrderError('not_found', 404, `no product ${sku}`);
    return product;
  }
}
