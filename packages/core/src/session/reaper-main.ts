/**
 * The watcher process (dist/reaper.js). It reads JSON lines (session id + engine endpoint) from its
 * stdin; when stdin ends (its owner exited or was killed) it removes everything labelled with the
 * session on each endpoint and exits. A few settle passes after the first catch resources whose
 * creation was in flight when the owner died.
 *
 * It ignores SIGINT and SIGHUP (a closing terminal must not stop the cleanup); SIGTERM ends it.
 */
import { readConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { connect } from '../engine/index.js';
import { debug } from '../log.js';
import { removeResources } from './cleanup.js';
import { listResources } from './inventory.js';
import { removableAtEnd } from './kept.js';
import type { WatchLine } from './reaper.js';
import { forgetReused, settleReuseMarkers } from './reuse-markers.js';

const log = debug('reaper');
const SETTLE_MS = [1000, 2000, 4000];

const watched = new Map<string, WatchLine>();
/** Engines are connected as soon as they are announced, so the reaping itself starts at once. */
const engines = new Map<string, Promise<Engine>>();
let buffered = '';
let reaping = false;

function take(chunk: string): void {
  buffered += chunk;
  let newline = buffered.indexOf('\n');
  while (newline >= 0) {
    const line = buffered.slice(0, newline).trim();
    buffered = buffered.slice(newline + 1);
    newline = buffered.indexOf('\n');
    if (!line) continue;
    try {
      const parsed = JSON.parse(line) as WatchLine;
      watched.set(`${parsed.session} ${parsed.endpoint.display}`, parsed);
      if (!engines.has(parsed.endpoint.display)) {
        const engine = connect(readConfig(), parsed.endpoint);
        engine.catch(() => undefined);
        engines.set(parsed.endpoint.display, engine);
      }
    } catch (error) {
      log('ignoring a line that is not JSON: %s', (error as Error).message);
    }
  }
}

async function reapOne(line: WatchLine): Promise<number> {
  // A failed early connection (engine restarting?) is retried once, now.
  const engine = await (engines.get(line.endpoint.display) ?? Promise.reject(new Error('not connected'))).catch(() =>
    connect(readConfig(), line.endpoint),
  );
  let failures = 0;
  for (let pass = 0; pass <= SETTLE_MS.length; pass++) {
    // Markers exist only when the run ended normally and kept slices: then those stay (kept.ts).
    const resources = removableAtEnd(await listResources(engine, { session: line.session }));
    if (resources.length === 0 && pass > 0) break;
    // The run used its leased reused containers until it died: date their last use now. Those it
    // made and never handed over go with their markers.
    const gone = await settleReuseMarkers(engine, resources);
    const report = await removeResources(engine, resources);
    await forgetReused(engine, gone);
    failures = report.failed.length;
    log('session %s pass %d: removed %d, failed %d', line.session, pass, report.removed.length, failures);
    for (const f of report.failed) log('  %s %s: %s', f.resource.kind, f.resource.name, (f.error as Error).message);
    const wait = SETTLE_MS[pass];
    if (wait !== undefined) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return failures;
}

async function reap(): Promise<void> {
  if (reaping) return;
  reaping = true;
  take('\n');
  log('owner gone; reaping %d session endpoint(s)', watched.size);
  const results = await Promise.allSettled([...watched.values()].map(reapOne));
  const bad = results.filter((r) => r.status === 'rejected' || r.value > 0);
  for (const r of results) if (r.status === 'rejected') log('reaping failed: %s', (r.reason as Error).message);
  process.exit(bad.length > 0 ? 1 : 0);
}

process.on('SIGINT', () => log('ignoring SIGINT'));
process.on('SIGHUP', () => log('ignoring SIGHUP'));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => take(chunk));
process.stdin.on('end', () => void reap());
process.stdin.on('close', () => void reap());
process.stdin.on('error', () => void reap());
log('watching (pid %d, argv %s)', process.pid, process.argv.slice(2).join(' '));
