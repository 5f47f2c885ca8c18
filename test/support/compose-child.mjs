// A process that starts a compose project and gets killed in the middle of it (compose engine tests).
//
//   node compose-child.mjs FILE PROJECT
//
// It calls startCompose(FILE) without awaiting it, and as soon as the project's first container
// exists prints `ready {"session": ...}`; the test then kills it while the other services are still
// waiting for that one to become healthy.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCompose } from '@berth/core/compose';
import { core } from './session-core.mjs';

const [file, project] = process.argv.slice(2);
startCompose({ files: file, projectName: project }).then(
  () => console.log('started (unexpected)'),
  (error) => console.log(`failed ${error.message}`),
);
for (;;) {
  const session = await core.currentSession();
  const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' }).trim();
  if (session && ids) {
    console.log(`ready ${JSON.stringify({ session: session.id })}`);
    break;
  }
  await sleep(50);
}
await new Promise(() => undefined);
