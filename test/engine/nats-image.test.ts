// The nats module on nats:2.10 (the stand-in from Debian trixie's nats-server 2.10): the image
// keeps the official one's command line and config file (client, monitoring and cluster ports), and
// the module's auth, JetStream and lease accounts (with their config reload) work on 2.10 as on 2.9.
// BERTH_TEST_IMAGES can point the name at another build (test/support/images.ts).
import { type NatsDetails, startNats } from '@berth/core/nats';
import { connect, type NatsConnection, StringCodec } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

const codec = StringCodec();

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

function client(details: NatsDetails): Promise<NatsConnection> {
  return connect({ servers: `${details.host}:${details.port}`, user: details.user, pass: details.password, reconnect: false });
}

/** A request answered by a responder on the same connection: the round trip works. */
async function echo(connection: NatsConnection, subject: string): Promise<string> {
  const subscription = connection.subscribe(subject, { max: 1, callback: (_error, message) => message.respond(message.data) });
  try {
    const reply = await connection.request(subject, codec.encode('ping'), { timeout: budget(5_000) });
    return codec.decode(reply.data);
  } finally {
    subscription.unsubscribe();
  }
}

describe('nats:2.10 with the nats module', () => {
  it('the official command line and ports; auth, JetStream and lease accounts on 2.10', async () => {
    const image = testImage('nats:2.10');
    const inspected = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Config}}', image)) as {
      Entrypoint: string[];
      Cmd: string[];
      ExposedPorts: Record<string, unknown>;
    };
    expect(inspected.Entrypoint).toEqual(['/nats-server']);
    expect(inspected.Cmd).toEqual(['--config', 'nats-server.conf']);
    expect(Object.keys(inspected.ExposedPorts).sort()).toEqual(['4222/tcp', '6222/tcp', '8222/tcp']);

    await using server = await startNats({ image, auth: { user: 'app', password: 's3cret' }, jetstream: true, accounts: 2 });
    const varz = (await (await fetch(`${server.details.monitorUrl}/varz`)).json()) as { version: string };
    expect(varz.version).toMatch(/^2\.10\./);

    const main = await client(server.details);
    expect(await echo(main, 'main.echo')).toBe('ping');
    await using lease = await server.freshAccount();
    const leased = await client(lease.details);
    expect(await echo(leased, 'lease.echo')).toBe('ping');
    const jsm = await leased.jetstreamManager();
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    expect((await (await main.jetstreamManager()).streams.names().next()).length).toBe(0);
    await Promise.all([main.close(), leased.close()]);
  });
});
