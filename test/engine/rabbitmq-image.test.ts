// The rabbitmq stand-ins' image contract (rabbitmq:3 from RabbitMQ 3.10, rabbitmq:4 from 4.0), and
// the rabbitmq module on rabbitmq:4: the official entrypoint refuses the RABBITMQ_* variables it
// dropped, naming each, before any server starts; RABBITMQ_DEFAULT_USER/PASS/VHOST make the default
// account; the module's URL, management API and fresh vhosts work on 4.0 as on 3.x.
// BERTH_TEST_IMAGES can point the names at another build (test/support/images.ts).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rabbitmq, startRabbitmq } from '@berth/core/rabbitmq';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

// The refusal checks run `docker run` themselves, before this process has a berth session: their
// containers carry a label of the file's own, checked at the end beside the module's session.
const CLI_LABEL = `dev.berth.session=rabbitmq-image-${randomUUID()}`;

afterAll(async () => {
  for (const label of [`dev.berth.session=${process.env.BERTH_SESSION_ID}`, CLI_LABEL]) {
    expect((await labelled(label)).containers).toEqual([]);
  }
});

/**
 * `docker run` to its end (at most a scaled minute): exit code and output. The container is named,
 * so it is removed afterwards even when the budget ran out while a server was running.
 */
async function runToEnd(image: string, args: string[]): Promise<{ code: number; output: string }> {
  const name = `berth-rabbitmq-image-${randomUUID().slice(0, 8)}`;
  try {
    return await new Promise((resolve) => {
      execFile(
        'docker',
        ['run', '--name', name, '--label', CLI_LABEL, ...args, image],
        { timeout: budget(60_000) },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, output: stderr + stdout }),
      );
    });
  } finally {
    await docker('rm', '-f', '-v', name).catch(() => undefined);
  }
}

async function roundTrip(url: string, queue: string, text: string): Promise<string | undefined> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
    channel.sendToQueue(queue, Buffer.from(text));
    let got: string | undefined;
    await expect
      .poll(
        async () => {
          const message = await channel.get(queue, { noAck: true });
          if (message) got = message.content.toString();
          return got;
        },
        poll(5_000, 20),
      )
      .toBeDefined();
    return got;
  } finally {
    await connection.close();
  }
}

describe('rabbitmq stand-ins: deprecated variables', () => {
  for (const name of ['rabbitmq:3', 'rabbitmq:4']) {
    it(`${name} refuses the variables the official entrypoint dropped, naming each, with its hint`, async () => {
      const { code, output } = await runToEnd(testImage(name), [
        '-e',
        'RABBITMQ_VM_MEMORY_HIGH_WATERMARK=0.6',
        '-e',
        'RABBITMQ_DEFAULT_PASS_FILE=/run/secrets/pass',
        '-e',
        'RABBITMQ_DEFAULT_USER=still-fine',
      ]);
      expect(code).toBe(1);
      expect(output).toContain('error: RABBITMQ_DEFAULT_PASS_FILE is set but deprecated');
      expect(output).toContain('error: RABBITMQ_VM_MEMORY_HIGH_WATERMARK is set but deprecated');
      expect(output).toContain('error: deprecated environment variables detected');
      expect(output).toContain('Please use a configuration file instead; visit https://www.rabbitmq.com/configure.html to learn more');
      expect(output).not.toContain('RABBITMQ_DEFAULT_USER is set but deprecated');
      // Refused by the entrypoint: no server was started.
      expect(output).not.toMatch(/Starting RabbitMQ|Server startup complete/);
    });
  }
});

describe('rabbitmq:4 with the rabbitmq module', () => {
  it('rabbitmq:4-management: RABBITMQ_DEFAULT_* account and vhost, the management API on 4.0, fresh vhosts', async () => {
    await using server = await startRabbitmq({
      image: testImage('rabbitmq:4-management'),
      user: 'app',
      password: 'p@ss/word',
      vhost: 'orders',
    });
    const { details } = server;
    expect(details).toMatchObject({ kind: 'rabbitmq', user: 'app', vhost: 'orders' });
    expect(await roundTrip(details.url, 'q', 'on the default vhost')).toBe('on the default vhost');
    const auth = Buffer.from(`${details.user}:${details.password}`).toString('base64');
    const response = await fetch(`${details.managementUrl}/api/overview`, { headers: { authorization: `Basic ${auth}` } });
    expect(response.status).toBe(200);
    const overview = (await response.json()) as { rabbitmq_version: string };
    expect(overview.rabbitmq_version).toMatch(/^4\./);
    const fresh = await server.freshVhost();
    expect(fresh.vhost).not.toBe('orders');
    expect(await roundTrip(fresh.url, 'q', 'on a fresh vhost')).toBe('on a fresh vhost');
    await fresh.release();
  });

  it('rabbitmq:4 without the management plugin: fresh vhosts through rabbitmqctl', async () => {
    const running = await rabbitmq({ image: testImage('rabbitmq:4'), poolSize: 1 }).start({ name: 'mq' });
    try {
      expect(running.details.managementUrl).toBeUndefined();
      const lease = await running.isolation?.acquire();
      if (!lease) throw new Error('no isolation');
      expect(await roundTrip(lease.details.url, 'q', 'leased on 4.0')).toBe('leased on 4.0');
      await running.isolation?.release(lease.id);
    } finally {
      await running.stop();
    }
  });
});
