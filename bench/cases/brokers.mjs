/**
 * Issue "Messaging modules": how long a test waits for a broker.
 *
 * - vhost handout: a rabbitmq:3-management service behind the lease broker the runner adapters
 *   use; 4 clients share 200 requests, each `acquireLease` (over the broker's HTTP, as a worker
 *   does) timed, then released before the client asks again (the release returns at once; the vhost
 *   is deleted in the background).
 * - rabbitmq start → first AMQP connection accepted (amqplib), and nats start → first PUB/SUB round
 *   trip (the `nats` client), each beside the raw engine: create + start through the Engine API,
 *   then the same client polling every 50 ms until it gets through.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { connect, StringCodec } from 'nats';
import { benchLabels, mappedPort, removeContainer, runContainer } from '../lib/engine-api.mjs';
import { addBreakdown, addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { rotation } from '../lib/stats.mjs';

const HANDOUTS = 200;
const CLIENTS = 4;
const TARGET_HANDOUT_MS = 30;

export async function vhostHandout(ctx) {
  // The lease broker is what the runner adapters use: it lives on @berth/core/adapter.
  const { startBroker, acquireLease, releaseLease } = await import('@berth/core/adapter');
  const { rabbitmq } = await import('@berth/core/rabbitmq');
  const entry = newCase({
    id: 'vhost-handout',
    suite: 'Messaging modules',
    title: `fresh vhost handout, ${HANDOUTS} requests from ${CLIENTS} clients`,
    what: 'acquireLease through the lease broker (HTTP, as a worker asks) on rabbitmq:3-management; each client deletes its vhost before asking again',
  });
  const running = await rabbitmq({ image: 'rabbitmq:3-management', spec: { labels: benchLabels } }).start({ name: 'mq' });
  const broker = await startBroker({ mq: running });
  try {
    await sleep(500); // the pool warms in the background after start, as it does before a suite's first test
    let next = 0;
    const releases = [];
    const client = async () => {
      for (let i = next++; i < HANDOUTS; i = next++) {
        const began = performance.now();
        const lease = await acquireLease(broker.address, 'mq');
        addSample(entry, 'berth', 'berth acquireLease', i, performance.now() - began);
        const released = performance.now();
        await releaseLease(broker.address, 'mq', lease.id);
        releases[i] = performance.now() - released;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    for (const [i, ms] of releases.entries()) addBreakdown(entry, 'berth', 'release (returns; the delete runs in the background)', i, ms);
    ctx.progress(`vhost handout: ${HANDOUTS} requests done`);
  } catch (error) {
    entry.errors.push(error.message);
  } finally {
    await broker.close().catch(() => undefined);
    await running.stop().catch(() => undefined);
  }
  compare(entry, 'berth', undefined, { kind: 'value', limitMs: TARGET_HANDOUT_MS });
  return [finalise(entry)];
}

/** Polls `attempt` every 50 ms until it resolves (or 120 s pass). */
async function until(attempt) {
  const deadline = performance.now() + 120_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

async function amqpConnects(url) {
  const connection = await amqp.connect(url);
  await connection.close();
}

async function natsRoundTrip(servers) {
  const codec = StringCodec();
  const connection = await connect({ servers, reconnect: false, timeout: 2000 });
  try {
    const subscription = connection.subscribe('bench.ping', { max: 1 });
    connection.publish('bench.ping', codec.encode('ping'));
    for await (const message of subscription) if (codec.decode(message.data) === 'ping') return;
    throw new Error('the subscription ended without the message');
  } finally {
    await connection.close();
  }
}

export async function brokerStarts(ctx) {
  const { startRabbitmq } = await import('@berth/core/rabbitmq');
  const { startNats } = await import('@berth/core/nats');
  const rabbit = newCase({
    id: 'rabbitmq-start',
    suite: 'Messaging modules',
    title: 'rabbitmq:3 start → first AMQP connection accepted',
    what: 'from the start call until amqplib has opened (and closed) a connection',
  });
  const natsCase = newCase({
    id: 'nats-start',
    suite: 'Messaging modules',
    title: 'nats:2 start → first PUB/SUB round trip',
    what: 'from the start call until the nats client got its own message back on a subscription',
  });
  const plans = [
    {
      entry: rabbit,
      n: ctx.quick ? 1 : 3,
      subjects: {
        raw: {
          label: 'docker run + AMQP polling',
          async run() {
            const id = await runContainer({ image: 'rabbitmq:3', ports: [5672] });
            const port = await mappedPort(id, 5672);
            await until(() => amqpConnects(`amqp://guest:guest@127.0.0.1:${port}`));
            return () => removeContainer(id);
          },
        },
        berth: {
          label: 'berth startRabbitmq',
          async run() {
            const mq = await startRabbitmq({ image: 'rabbitmq:3', poolSize: 0, spec: { labels: benchLabels } });
            await amqpConnects(mq.url);
            return () => mq.stop();
          },
        },
      },
    },
    {
      entry: natsCase,
      n: ctx.quick ? 3 : 8,
      subjects: {
        raw: {
          label: 'docker run + PUB/SUB polling',
          async run() {
            const id = await runContainer({ image: 'nats:2', ports: [4222] });
            const port = await mappedPort(id, 4222);
            await until(() => natsRoundTrip(`127.0.0.1:${port}`));
            return () => removeContainer(id);
          },
        },
        berth: {
          label: 'berth startNats',
          async run() {
            const bus = await startNats({ image: 'nats:2', spec: { labels: benchLabels } });
            await natsRoundTrip(`${bus.details.host}:${bus.details.port}`);
            return () => bus.stop();
          },
        },
      },
    },
  ];
  for (const { entry, n, subjects } of plans) {
    for (let i = 0; i < n; i++) {
      for (const key of rotation(Object.keys(subjects), i)) {
        let cleanup;
        const began = performance.now();
        try {
          cleanup = await subjects[key].run();
          addSample(entry, key, subjects[key].label, i, performance.now() - began);
        } catch (error) {
          entry.errors.push(`${key} #${i}: ${error.message}`);
        } finally {
          await cleanup?.().catch(() => undefined);
        }
      }
      ctx.progress(`${entry.id} ${i + 1}/${n}`);
    }
    compare(entry, 'berth', 'raw');
  }
  return [finalise(rabbit), finalise(natsCase)];
}
