#!/usr/bin/env node
// Runs every example under examples/ whose package.json has an "example" script, one after the
// other, against real containers; prints a line per example and a summary; exits non-zero if any
// failed. With no examples yet, starts and removes one container as a smoke check.
//
// Every run of an example writes its timeline (BERTH_TRACE, a folder per example); each trace gets
// its HTML report (berth report) and a screenshot of it from headless Chromium, all kept under
// artifacts/examples/<example>/ (BERTH_ARTIFACTS moves artifacts/) for CI to keep (docs/tracing.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

const artifacts = join(process.env.BERTH_ARTIFACTS ?? join(root, 'artifacts'), 'examples');
const berthCli = join(root, 'packages/core/dist/cli.js');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** berth report and a Chromium screenshot for each trace the example's runs wrote; false if one failed. */
function reportTraces(folder) {
  const traces = readdirSync(folder).filter((name) => name.endsWith('.json'));
  if (traces.length === 0) {
    console.log('--- no trace: this example starts its containers without a test run (start(), not a runner or berth run)');
    return true;
  }
  let ok = true;
  for (const trace of traces) {
    const html = join(folder, trace.replace(/\.json$/, '.html'));
    const png = join(folder, trace.replace(/\.json$/, '.png'));
    const report = spawnSync(process.execPath, [berthCli, 'report', join(folder, trace), '-o', html], { stdio: 'inherit' });
    const shot =
      report.status === 0 &&
      spawnSync(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          '--window-size=1200,1400',
          `--screenshot=${png}`,
          `file://${html}`,
        ],
        { stdio: 'ignore', timeout: 60_000 },
      ).status === 0 &&
      existsSync(png);
    console.log(`--- ${shot ? 'report and screenshot' : 'FAILED: report or screenshot'}: ${shot ? png : html}`);
    ok &&= shot;
  }
  return ok;
}

const results = [];
for (const { dir, pkg } of examples) {
  console.log(`\n--- ${pkg.name}: ${pkg.description ?? ''}`);
  const began = performance.now();
  const traces = join(artifacts, pkg.name.replace(/^@[^/]+\//, ''));
  rmSync(traces, { recursive: true, force: true });
  mkdirSync(traces, { recursive: true });
  const result = spawnSync('pnpm', ['run', '--silent', 'example'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, BERTH_TRACE: `${traces}/` },
  });
  const ok = result.status === 0 && reportTraces(traces);
  results.push({ name: pkg.name, ok, ms: Math.round(performance.now() - began) });
  console.log(`--- ${pkg.name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${results.at(-1).ms} ms`);
}
console.log('\nexamples:');
for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.ms} ms)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
