/**
 * A read-through cache of single orders in redis, as JSON under `order:<id>` with a time to live.
 * Whoever changes an order forgets its entry (see OrdersService).
 */
import type { Order } from './orders-repository.js';

/** The few commands the cache needs; a connected client from @redis/client has them. */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { expiration: { type: 'EX'; value: number } }): Promise<unknown>;
  del(key: string): Promise<number>;
}

export class OrderCache {
  constructor(
    private readonly redis: RedisCommands,
    private readonly ttlSeconds = 300,
  ) {}

  static key(id: number): string {
    return `order:${id}`;
  }

  async get(id: number): Promise<Order | undefined> {
    const cached = await this.redis.get(OrderCache.key(id));
    return cached === null ? undefined : (JSON.parse(cached) as Order);
  }

  async set(order: Order): Promise<void> {
    await this.redis.set(OrderCache.key(order.id), JSON.stringify(order), { expiration: { type: 'EX', value: this.ttlSeconds } });
  }

  async forget(id: number): Promise<void> {
    await this.redis.del(OrderCache.key(id));
  }
}
