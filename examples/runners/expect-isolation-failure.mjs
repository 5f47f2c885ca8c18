// The negative run of the shared runner scenario: a test claims to see rows another test inserted.
// With real isolation it must fail, and say why. Passes (exit 0) only when the command fails with
// the isolation message and berth left nothing on the engine.
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const result = spawnSync(command, args, { encoding: 'utf8', env: process.env });
const output = `${result.stdout}${result.stderr}`;
process.stdout.write(output);
const isolated = /isolation: expected \d+ rows?, found 1\b/.test(output) || /expected 3, (got|received) 1/i.test(output);
if (result.status === 0 || !isolated) {
  console.error(`negative run: expected a failure from isolation, got exit ${result.status}`);
  process.exit(1);
}
console.log(`negative run: failed as it must (exit ${result.status}): each test saw only its own row`);
