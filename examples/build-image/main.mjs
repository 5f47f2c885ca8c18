// @ts-check
// Builds app/Dockerfile (FROM busybox:latest) with a build argument, runs the result and checks
// what ended up inside: the argument's value baked in at build time, and nothing that
// app/.dockerignore leaves out. Run alone: `pnpm run example` in this directory (after `pnpm build`
// at the root).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { buildImage, endSession, getEngine, start, wait } from '@berth/core';

const context = fileURLToPath(new URL('./app', import.meta.url));
const tag = 'berth-examples/greeter:dev';
const engine = await getEngine();

try {
  // #region build-image
  const image = await buildImage(engine, {
    context, // sent to the engine as a tar, honouring app/.dockerignore
    buildArgs: { GREETING: 'ahoy' },
    tag,
    onOutput: (line) => console.log(`  build | ${line}`),
  });
  console.log(`built ${image.ref} (${image.id.slice(7, 19)})`);

  const web = await start({
    image: image.ref,
    ports: [8080],
    wait: wait.http('/greeting.txt', { port: 8080 }),
  });
  const greeting = await (await fetch(`http://${web.address(8080)}/greeting.txt`)).text();
  console.log(`GET /greeting.txt -> ${JSON.stringify(greeting)}`);
  // #endregion
  assert.equal(greeting.trim(), 'ahoy from an image berth built');

  const listing = await web.exec(['ls', '-A', '/app']);
  console.log(`ls -A /app: ${listing.stdout.trim().split('\n').join(' ')}`);
  assert.deepEqual(listing.stdout.trim().split('\n').sort(), ['.dockerignore', 'Dockerfile', 'www']);

  await web.stop();
  console.log(`removed ${web.name}`);
} finally {
  await endSession();
  // The image is ours alone: remove it too. (`removeAtSessionEnd: true` is meant to do this, but only
  // takes effect on an image that also carries the session's labels.)
  await engine.removeImage(tag);
  console.log(`removed image ${tag}`);
}
