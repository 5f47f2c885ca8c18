#!/usr/bin/env node
// Runs every example under examples/ whose package.json has an "example" script, one after the
// other, against real containers; prints a line per example and a summary; exits non-zero if any
// failed. With no examples yet, starts and removes one container as a smoke check.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
/** Example folders: examples/<name>, and examples/runners/<runner> (the same scenario under each runner). */
const folders = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(dir, entry.name))
    : [];
const examples = existsSync(join(root, 'examples'))
  ? [...folders(join(root, 'examples')), ...folders(join(root, 'examples', 'runners'))]
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
      .filter(({ pkg }) => pkg.scripts?.example)
      .filter(({ pkg }) => only.length === 0 || only.some((name) => pkg.name.includes(name)))
      .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name))
  : [];

if (examples.length === 0) {
  console.log('no examples yet: smoke check (start and remove one container)');
  const { start } = await import('@berth/core');
  const began = performance.now();
  const container = await start({ image: 'busybox:latest', command: ['sleep', '60'] });
  const { stdout } = await container.exec(['echo', 'berth works']);
  await container.stop();
  console.log(`${stdout.trim()} (${Math.round(performance.now() - began)} ms)`);
  process.exit(0);
}

const results = [];
for (const { dir, pkg } of examples) {
  console.log(`\n--- ${pkg.name}: ${pkg.description ?? ''}`);
  const began = performance.now();
  const result = spawnSync('pnpm', ['run', '--silent', 'example'], { cwd: dir, stdio: 'inherit' });
  const ok = result.status === 0;
  results.push({ name: pkg.name, ok, ms: Math.round(performance.now() - began) });
  console.log(`--- ${pkg.name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${results.at(-1).ms} ms`);
}
console.log('\nexamples:');
for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.ms} ms)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
