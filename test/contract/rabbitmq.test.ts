// The rabbitmq module's contract against any rabbitmq image (pnpm test:contract -- rabbitmq
// <image>): RABBITMQ_DEFAULT_USER/_PASS/_VHOST set and honoured, the management API when the image
// has it (tags with `management`), readiness for a real AMQP client, the image's healthcheck if it
// has one, restart, fresh vhosts, and that stop() leaves nothing. RabbitMQ has no init scripts.
import { type StartedRabbitmq, startRabbitmq } from '@berth/core/rabbitmq';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerEnv, contractImage, expectHealthy, expectNothingLeft, imageHealthcheck } from './support.js';

const image = contractImage('rabbitmq');
const user = 'contract_user';
const password = 'contract-pw/1';
const vhost = 'contract';
let server: StartedRabbitmq;
let firstConnect: unknown;

async function channelOn(url: string) {
  const connection = await amqp.connect(url);
  connection.on('error', () => undefined);
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  return { connection, channel };
}

beforeAll(async () => {
  server = await startRabbitmq({ image, user, password, vhost });
  firstConnect = await amqp.connect(server.url).then(
    (connection) => connection.close().then(() => 'connected'),
    (error: unknown) => error,
  );
});

afterAll(async () => {
  await server?.stop();
});

describe(`rabbitmq contract: ${image}`, () => {
  it('env names: RABBITMQ_DEFAULT_USER, _PASS and _VHOST are set and honoured', async () => {
    expect(await containerEnv(server.container)).toEqual(
      expect.arrayContaining([`RABBITMQ_DEFAULT_USER=${user}`, `RABBITMQ_DEFAULT_PASS=${password}`, `RABBITMQ_DEFAULT_VHOST=${vhost}`]),
    );
    const { connection, channel } = await channelOn(server.url);
    await channel.assertQueue('contract-q');
    await connection.close();
    await expect(amqp.connect(server.url.replace(`${encodeURIComponent(user)}:`, 'guest:'))).rejects.toThrow();
  });

  it('init scripts: not part of the rabbitmq contract (definitions are the module’s own option)', (context) => {
    context.skip();
  });

  it('readiness: an AMQP client connects right after the start', () => {
    expect(firstConnect).toBe('connected');
  });

  it('management API answers at managementUrl with the user (skipped for images without it)', async (context) => {
    if (!server.details.managementUrl) context.skip();
    const auth = Buffer.from(`${user}:${password}`).toString('base64');
    const response = await fetch(`${server.details.managementUrl}/api/whoami`, { headers: { authorization: `Basic ${auth}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name?: string }).name).toBe(user);
  });

  it('healthcheck: the image’s own HEALTHCHECK reports healthy (skipped when the image has none)', async (context) => {
    if (!(await imageHealthcheck(server.container))) context.skip();
    await expectHealthy(server.container);
  });

  it('fresh vhosts: distinct, and a queue in one is not seen in the other', async () => {
    await using a = await server.freshVhost();
    await using b = await server.freshVhost();
    expect(a.vhost).not.toBe(b.vhost);
    const first = await channelOn(a.url);
    await first.channel.assertQueue('only-in-a');
    await first.connection.close();
    const second = await channelOn(b.url);
    await expect(second.channel.checkQueue('only-in-a')).rejects.toThrow(/NOT_FOUND/);
    await second.connection.close().catch(() => undefined);
  });

  it('restart: accepts clients again, new ports taken up, fresh vhosts after it', async () => {
    await server.container.restart();
    expect(server.details.port).toBe(server.container.mappedPort(5672));
    const { connection } = await channelOn(server.url);
    await connection.close();
    await using fresh = await server.freshVhost();
    const inFresh = await channelOn(fresh.url);
    await inFresh.connection.close();
  });

  it('cleanup: stop() leaves no container, network or volume of the session', async () => {
    await server.stop();
    await expectNothingLeft();
  });
});
