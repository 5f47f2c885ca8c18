// @ts-check
// A named volume outlives the containers that mount it: data written by one container survives
// its restart and is there for the next container, while the container's own filesystem is not.
// Run alone: `pnpm run example` in this directory (after `pnpm build` at the root).
import assert from 'node:assert/strict';
import { createVolume, endSession, start } from '@berth/core';

/** Runs a shell line in the container and returns its stdout; fails on a non-zero exit. */
async function sh(/** @type {import('@berth/core').StartedContainer} */ container, /** @type {string} */ line) {
  const { exitCode, stdout, stderr } = await container.exec(['sh', '-c', line]);
  if (exitCode !== 0) throw new Error(`\`${line}\` exited with ${exitCode}: ${stderr.trim()}`);
  return stdout.trim();
}

try {
  // #region named-volume
  const volume = await createVolume(); // berth-vol-<random>, removed with the session

  const writer = await start({
    image: 'busybox:latest',
    command: ['sleep', '300'],
    volumes: [{ name: volume.name, target: '/data' }],
  });
  await sh(writer, 'echo "written by the first container" > /data/note.txt');
  await sh(writer, 'echo "not on the volume" > /tmp/scratch.txt');

  await writer.restart();
  console.log(`after restart: /data/note.txt = ${JSON.stringify(await sh(writer, 'cat /data/note.txt'))}`);
  await writer.stop(); // removes the container; the volume stays

  const reader = await start({
    image: 'busybox:latest',
    command: ['sleep', '300'],
    volumes: [{ name: volume.name, target: '/data', readOnly: true }],
  });
  const note = (await reader.readFile('/data/note.txt')).toString('utf8').trim();
  console.log(`second container reads /data/note.txt = ${JSON.stringify(note)}`);
  // #endregion
  assert.equal(note, 'written by the first container');

  // The first container's own filesystem went with it.
  const scratch = await reader.exec(['cat', '/tmp/scratch.txt']);
  console.log(`second container: /tmp/scratch.txt ${scratch.exitCode === 0 ? 'exists (unexpected)' : 'does not exist'}`);
  assert.notEqual(scratch.exitCode, 0);

  // Mounted read-only here: writes fail.
  const write = await reader.exec(['sh', '-c', 'echo more >> /data/note.txt']);
  console.log(`second container, read-only mount: write exits ${write.exitCode} (${write.stderr.trim()})`);
  assert.notEqual(write.exitCode, 0);

  await reader.stop();
  await volume.remove();
  console.log(`removed ${writer.name}, ${reader.name} and volume ${volume.name}`);
} finally {
  await endSession();
}
