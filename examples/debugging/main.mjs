// @ts-check
// The ways to see what a container is doing, and what berth tells you when a start fails.
// Run alone: `pnpm run example` in this directory (after `pnpm build` at the root). For berth's own
// trace (discovery, pulls, waits, cleanup), run it with DEBUG=berth:*.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ContainerExitedError, currentSession, endSession, start, WaitTimeoutError, wait } from '@berth/core';

/** @param {string} title */
const section = (title) => console.log(`\n== ${title}`);

/** Runs the `berth` CLI that comes with @berth/core (from a shell: `npx berth ls`). @param {string[]} args */
function berthCli(args) {
  const cli = fileURLToPath(new URL('./dist/cli.js', import.meta.resolve('@berth/core/package.json')));
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`berth ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}

try {
  section('logConsumer: every line as it arrives, from the start');
  // #region log-consumer
  const app = await start({
    image: 'berth-test/http-app:latest',
    env: { LOG_REQUESTS: '1' }, // the app then logs each request on stderr
    ports: [8080],
    wait: wait.http('/health', { port: 8080 }),
    logConsumer: (line) => console.log(`  [app ${line.stream}] ${line.text}`),
  });
  // #endregion
  const base = `http://${app.address(8080)}`;

  section('followLogs: a live stream, here until the app logs the request we wait for');
  // #region follow-logs
  const live = await app.followLogs({ since: new Date() }); // only what comes from now on
  const sawTeapot = (async () => {
    for await (const line of createInterface({ input: live.stderr })) {
      console.log(`  followed: ${line}`);
      if (line.includes('/status/418')) return line;
    }
    return undefined;
  })();
  await fetch(`${base}/hello`);
  await fetch(`${base}/status/418`);
  const teapot = await sawTeapot;
  live.destroy(); // ends both streams and frees the engine connection
  // #endregion
  assert.match(teapot ?? '', /418/);

  section('logs(): a snapshot, stdout and stderr apart');
  const { stdout, stderr } = await app.logs(); // `tail: n` keeps the last n lines of the two together
  console.log(`  stdout: ${JSON.stringify(stdout.trim().split('\n'))}`);
  console.log(`  stderr: ${JSON.stringify(stderr.trim().split('\n'))}`);
  assert.match(stdout, /listening on http :8080/);
  assert.match(stderr, /\/status\/418/);

  section('exec: argv in, exit code and output out (a failing command is a result, not an exception)');
  // #region exec
  const version = await app.exec(['python3', '--version']);
  const withEnv = await app.exec(['sh', '-c', 'echo "$GREETING from $(pwd)"'], { env: { GREETING: 'hi' }, workingDir: '/tmp' });
  const missing = await app.exec(['ls', '/no/such/dir']);
  // #endregion
  console.log(`  python3 --version -> exit ${version.exitCode}: ${version.stdout.trim()}`);
  console.log(`  echo with env and workingDir -> ${withEnv.stdout.trim()}`);
  console.log(`  ls /no/such/dir -> exit ${missing.exitCode}: ${missing.stderr.trim()}`);
  assert.equal(withEnv.stdout.trim(), 'hi from /tmp');
  assert.notEqual(missing.exitCode, 0);

  section('logTail(): the last lines berth kept (what error messages quote)');
  const tail = app.logTail(4);
  for (const line of tail) console.log(`  ${line}`);
  assert.ok(tail.length > 0);

  section('berth ls: what this run has on the engine right now');
  const session = await currentSession();
  const ls = berthCli(['ls', '--session', session?.id ?? '']);
  console.log(ls.trimEnd().replace(/^/gm, '  '));
  assert.match(ls, new RegExp(app.name));

  section('a start that fails: the container exits before it is ready');
  // #region failed-start
  const failed = await start({
    image: 'busybox:latest',
    command: ['sh', '-c', 'echo "loading config"; sleep 0.5; echo "FATAL: DATABASE_URL is not set" >&2; exit 3'],
    wait: wait.log('ready to serve'),
  }).catch((/** @type {unknown} */ error) => error);

  if (failed instanceof ContainerExitedError) {
    // One line of summary, then image, container, phase, time, exit code and the last log lines.
    console.log(`${failed.name} ${failed.code}\n${failed.message}`);
    // The same facts, structured: failed.details.exitCode, .logTail, .image, .phase, .elapsedMs
  }
  // #endregion
  assert.ok(failed instanceof ContainerExitedError, `expected a ContainerExitedError, got ${failed}`);
  assert.equal(failed.details.exitCode, 3);
  assert.ok(failed.details.logTail?.some((line) => line.includes('DATABASE_URL is not set')));

  section('a start that fails: not ready in time');
  try {
    await start({
      image: 'berth-test/http-app:latest',
      env: { STARTUP_DELAY_MS: '60000' }, // the app sleeps before it listens
      ports: [8080],
      wait: wait.http('/health', { port: 8080, timeoutMs: 1500 }),
    });
    assert.fail('expected a WaitTimeoutError');
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    console.log(`${error.name} ${error.code}\n${error.message}`);
    // The last attempt's failure is kept as the cause.
    console.log(`  cause: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`);
  }

  // A failed start removes its container: only the app is left.
  /** @type {{ sessions: { resources: { kind: string, name: string }[] }[] }} */
  const listed = JSON.parse(berthCli(['ls', '--session', session?.id ?? '', '--json']));
  const left = listed.sessions
    .flatMap((group) => group.resources)
    .filter((r) => r.kind === 'container')
    .map((r) => r.name);
  console.log(`\ncontainers left in this session after the failed starts: ${left.join(', ')}`);
  assert.deepEqual(left, [app.name]);

  await app.stop();
} finally {
  await endSession();
}
