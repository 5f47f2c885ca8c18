/**
 * A small order pipeline: `placeOrder` publishes an order to the `orders` queue; `startFulfilment`
 * consumes it, marks it fulfilled and announces that on NATS (`orders.fulfilled.<id>`).
 */
import amqp from 'amqplib';
import { connect, JSONCodec, type NatsConnection } from 'nats';

export interface Order {
  id: string;
  item: string;
  quantity: number;
}

const QUEUE = 'orders';
const json = JSONCodec<Order & { status?: string }>();

export async function placeOrder(amqpUrl: string, order: Order): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(QUEUE, { durable: true });
    channel.sendToQueue(QUEUE, Buffer.from(JSON.stringify(order)), { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

export interface Fulfilment {
  stop(): Promise<void>;
}

/** Consumes orders until stopped; each is acknowledged after its announcement was flushed. */
export async function startFulfilment(amqpUrl: string, natsUrl: string): Promise<Fulfilment> {
  const bus: NatsConnection = await connect(natsOptions(natsUrl));
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  await channel.assertQueue(QUEUE, { durable: true });
  // Orders being handled right now: stop() lets them finish (publish, flush, ack) before it closes
  // the connections, or an ack would land on a closed channel.
  const inFlight = new Set<Promise<void>>();
  const { consumerTag } = await channel.consume(QUEUE, (message) => {
    if (!message) return;
    const handled = (async () => {
      const order = JSON.parse(message.content.toString()) as Order;
      bus.publish(`orders.fulfilled.${order.id}`, json.encode({ ...order, status: 'fulfilled' }));
      await bus.flush();
      channel.ack(message);
    })();
    inFlight.add(handled);
    handled.catch((error: unknown) => console.error('fulfilling an order failed:', error)).finally(() => inFlight.delete(handled));
  });
  return {
    async stop() {
      await channel.cancel(consumerTag); // no new deliveries
      await Promise.allSettled([...inFlight]);
      await connection.close();
      await bus.drain();
    },
  };
}

/** `nats://user:pass@host:port` as options of the nats client. */
export function natsOptions(url: string): { servers: string; user?: string; pass?: string } {
  const parsed = new URL(url);
  const servers = `${parsed.hostname}:${parsed.port}`;
  if (!parsed.username) return { servers };
  return { servers, user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) };
}
