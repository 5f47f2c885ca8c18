// The nats module's contract against any nats-server image (pnpm test:contract -- nats <image>): the
// module sets no environment variables; it hands the server a config file (`--config`) with the
// user and lease accounts, so the contract is that the image's server takes it. Then readiness for a
// real client, monitoring, the image's healthcheck if it has one, restart, fresh accounts, and that
// stop() leaves nothing. NATS has no init scripts.
import { type NatsDetails, type StartedNats, startNats } from '@berth/core/nats';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { contractImage, expectHealthy, expectNothingLeft, imageHealthcheck } from './support.js';

const image = contractImage('nats');
const user = 'contract_user';
const password = 'contract-pw/1';
let server: StartedNats;
let firstConnect: unknown;

function client(details: Pick<NatsDetails, 'host' | 'port'> & { user?: string; password?: string }): Promise<NatsConnection> {
  return connect({
    servers: `${details.host}:${details.port}`,
    ...(details.user === undefined ? {} : { user: details.user, pass: details.password }),
    reconnect: false,
    timeout: budget(10_000),
  });
}

beforeAll(async () => {
  server = await startNats({ image, auth: { user, password } });
  firstConnect = await client(server.details).then(
    (connection) => connection.close().then(() => 'connected'),
    (error: unknown) => error,
  );
});

afterAll(async () => {
  await server?.stop();
});

describe(`nats contract: ${image}`, () => {
  it('config: the server takes berth’s config file (the user is required, others refused)', async () => {
    const anonymous = await client({ host: server.details.host, port: server.details.port }).then(
      (c) => c.close().then(() => 'connected'),
      (error: unknown) => String(error),
    );
    expect(anonymous).toMatch(/AUTHORIZATION_VIOLATION|Authorization/i);
  });

  it('init scripts: not part of the nats contract', (context) => {
    context.skip();
  });

  it('readiness: a client connects right after the start', () => {
    expect(firstConnect).toBe('connected');
  });

  it('monitoring: /healthz answers ok', async () => {
    const response = await fetch(`${server.details.monitorUrl}/healthz`);
    expect(response.status).toBe(200);
  });

  it('healthcheck: the image’s own HEALTHCHECK reports healthy (skipped when the image has none)', async (context) => {
    if (!(await imageHealthcheck(server.container))) context.skip();
    await expectHealthy(server.container);
  });

  it('fresh accounts: distinct, and a message in one does not reach the other', async () => {
    await using a = await server.freshAccount();
    await using b = await server.freshAccount();
    expect(a.account).not.toBe(b.account);
    const [inA, inB, alsoA] = await Promise.all([client(a.details), client(b.details), client(a.details)]);
    const seenInB = inB.subscribe('contract.subject', { max: 1 });
    const seenInA = alsoA.subscribe('contract.subject', { max: 1 });
    await Promise.all([inB.flush(), alsoA.flush()]);
    inA.publish('contract.subject', 'hello');
    await inA.flush();
    // The same account gets it (so the publish worked); the other account never does.
    for await (const message of seenInA) expect(message.string()).toBe('hello');
    await inB.flush();
    expect(seenInB.getProcessed()).toBe(0);
    await Promise.all([inA.close(), inB.close(), alsoA.close()]);
  });

  it('restart: accepts clients again, new port taken up, fresh accounts after it', async () => {
    await server.container.restart();
    expect(server.details.port).toBe(server.container.mappedPort(4222));
    const main = await client(server.details).catch((error: unknown) => {
      throw new Error(`the service's own user after the restart: ${String(error)}`);
    });
    await main.close();
    await using fresh = await server.freshAccount();
    const leased = await client(fresh.details).catch((error: unknown) => {
      throw new Error(`lease account ${fresh.account} after the restart: ${String(error)}`);
    });
    await leased.close();
  });

  it('cleanup: stop() leaves no container, network or volume of the session', async () => {
    await server.stop();
    await expectNothingLeft();
  });
});
