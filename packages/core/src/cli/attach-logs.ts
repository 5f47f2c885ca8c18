/**
 * `berth up --attach`: the services' logs in the foreground, each line prefixed with its service
 * ("db    | ..."), stdout and stderr alike. Starts from each container's last few lines, then
 * follows; the streams end when the returned function is called or the container goes.
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

/** Follows every target's logs into `write`; resolves once each stream is open, to a function that closes them. */
export async function followLogs(engine: Engine, targets: readonly LogTarget[], write: (line: string) => void): Promise<() => void> {
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
      pipe(logs.stdout);
      pipe(logs.stderr);
      return logs;
    }),
  );
  const close = () => {
    abort.abort();
    for (const result of opened) if (result.status === 'fulfilled') result.value.destroy();
  };
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // All or nothing: the streams that did open are closed again.
    close();
    throw failed.reason;
  }
  return close;
}
