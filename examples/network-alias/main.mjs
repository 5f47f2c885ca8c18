// @ts-check
// Two containers on a network berth created: a busybox client calls the HTTP app by its alias
// `api`. Docker's DNS on that network answers for the alias; nothing is published on the host.
// Run alone: `pnpm run example` in this directory (after `pnpm build` at the root).
import assert from 'node:assert/strict';
import { createNetwork, endSession, start, wait } from '@berth/core';

try {
  // #region network-alias
  const network = await createNetwork(); // berth-net-<random>, removed with the session

  const api = await start({
    image: 'berth-test/http-app:latest',
    // No published ports needed: the client talks to it over the network.
    networks: [{ name: network.name, aliases: ['api'] }],
    wait: wait.log('listening on http :8080'),
  });

  const client = await start({
    image: 'busybox:latest',
    command: ['sleep', '300'],
    networks: [network.name],
  });

  const reply = await client.exec(['wget', '-qO-', 'http://api:8080/hello']);
  console.log(`client -> http://api:8080/hello: exit ${reply.exitCode}, body ${JSON.stringify(reply.stdout)}`);
  // #endregion
  assert.equal(reply.exitCode, 0, reply.stderr);
  assert.equal(reply.stdout.trim(), 'hello');

  // Containers first (a network in use cannot be removed), then the network.
  await Promise.all([client.stop(), api.stop()]);
  await network.remove();
  console.log(`removed ${api.name}, ${client.name} and network ${network.name}`);
} finally {
  // Removes whatever this run's session still holds, e.g. after a failed assertion above.
  await endSession();
}
