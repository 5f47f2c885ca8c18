// Each test gets a vhost and a NATS account of its own (released when it ends, pass or fail), so the
// two tests below run against the same brokers without seeing each other's orders.
import { freshNatsAccount, freshVhost } from '@berth/vitest/test';
import { connect, JSONCodec } from 'nats';
import { describe, expect, test } from 'vitest';
import { natsOptions, placeOrder, startFulfilment } from '../src/orders.js';

const json = JSONCodec<{ id: string; status: string }>();

describe('order pipeline', () => {
  test('an order placed on RabbitMQ is fulfilled and announced on NATS', async () => {
    // #region fresh-leases
    const mq = await freshVhost('mq'); // a fresh vhost: mq.url ends in /berth_vhost_N
    const bus = await freshNatsAccount('bus'); // an account of its own: bus.url carries its user
    // #endregion
    expect(mq.vhost).toMatch(/^berth_vhost_\d+$/);
    const listener = await connect(natsOptions(bus.url));
    const announced = listener.subscribe('orders.fulfilled.>', { max: 1 });
    await listener.flush();
    const fulfilment = await startFulfilment(mq.url, bus.url);
    try {
      await placeOrder(mq.url, { id: 'o-1', item: 'teapot', quantity: 2 });
      for await (const message of announced) {
        expect(message.subject).toBe('orders.fulfilled.o-1');
        expect(json.decode(message.data)).toMatchObject({ id: 'o-1', status: 'fulfilled' });
      }
    } finally {
      await fulfilment.stop();
      await listener.close();
    }
  });

  test('another test sees none of those orders: its vhost starts empty', async () => {
    const mq = await freshVhost('mq');
    await placeOrder(mq.url, { id: 'o-2', item: 'kettle', quantity: 1 });
    const amqp = await import('amqplib');
    const connection = await amqp.default.connect(mq.url);
    try {
      const channel = await connection.createChannel();
      const queue = await channel.checkQueue('orders');
      expect(queue.messageCount).toBe(1); // only o-2: o-1 lived in another, already deleted vhost
    } finally {
      await connection.close();
    }
  });

  test('the env mapping points the app at the services themselves', () => {
    expect(process.env.AMQP_URL).toMatch(/^amqp:\/\/shop:shop-secret@127\.0\.0\.1:\d+\/%2F$/);
    expect(process.env.NATS_URL).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
  });
});
