/**
 * `berth up --attach`: the services' logs in the foreground, each line prefixed with its service
 * ("db    | ..."), stdout and stderr alike. Starts from each container's last few lines, then
 * follows. A stream ends when `close()` is called or its container stops or goes (`berth down` in
 * another terminal): `ended` says which service, `allEnded` resolves once none is left.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import { logPrefixes } from './up-output.js';

/** Lines of history shown per service before following. */
export const HISTORY_LINES = 20;

export interface LogTarget {
  service: string;
  container: string;
}

export interface Following {
  close(): void;
  /** Resolves when every stream has ended (closed, or its container stopped or removed). */
  allEnded: Promise<void>;
}

/** Follows every target's logs into `write`; resolves once each stream is open. `ended` hears of each service whose log ends. */
export async function followLogs(
  engine: Engine,
  targets: readonly LogTarget[],
  write: (line: string) => void,
  ended: (service: string) => void = () => {},
): Promise<Following> {
  const prefixes = logPrefixes(targets.map((t) => t.service));
  const abort = new AbortController();
  const opened = await Promise.allSettled(
    targets.map(async ({ service, container }) => {
      const logs = await engine.logs(container, { follow: true, tty: false, tail: HISTORY_LINES, signal: abort.signal });
      const prefix = prefixes[service] ?? '';
      const pipe = (stream: Readable) => {
        stream.on('error', () => undefined);
        createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => write(`${prefix}${line}`));
      };
      const done = Promise.all([finished(logs.stdout), finished(logs.stderr)]).then(() => {
        if (!abort.signal.aborted) ended(service);
      });
      pipe(logs.stdout);
      pipe(logs.stderr);
      return { logs, done };
    }),
  );
  const close = () => {
    abort.abort();
    for (const result of opened) if (result.status === 'fulfilled') result.value.logs.destroy();
  };
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // All or nothing: the streams that did open are closed again.
    close();
    throw failed.reason;
  }
  const all = opened.map((r) => (r as PromiseFulfilledResult<{ done: Promise<void> }>).value.done);
  return { close, allEnded: Promise.all(all).then(() => undefined) };
}

/** Resolves when `stream` has ended, errored or been destroyed. */
function finished(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.readableEnded) resolve();
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}
