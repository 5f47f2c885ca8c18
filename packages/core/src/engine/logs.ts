/**
 * Container logs as two streams, stdout and stderr. Without a TTY the engine multiplexes them into
 * one (see demux.ts); with one, everything arrives as stdout.
 */
import { PassThrough, type Readable } from 'node:stream';
import { inspectContainer } from './containers.js';
import { demuxStream } from './demux.js';
import { shortId } from './failure.js';
import type { Transport } from './transport.js';
import type { LogsOptions } from './types.js';

/** A log stream split into its two channels. */
export interface SplitLogs {
  stdout: Readable;
  stderr: Readable;
  /** Ends both streams and frees the connection. */
  destroy(): void;
  /** Keeps the stream flowing without holding the event loop open. */
  unref(): void;
}

export async function containerLogs(t: Transport, id: string, options: LogsOptions): Promise<SplitLogs> {
  const tty = options.tty ?? (await inspectContainer(t, id, options.signal))?.Config.Tty ?? false;
  const { body } = await t.request({
    method: 'GET',
    path: `/containers/${encodeURIComponent(id)}/logs`,
    query: {
      follow: options.follow,
      stdout: options.stdout ?? true,
      stderr: options.stderr ?? true,
      timestamps: options.timestamps ?? false,
      since: options.since,
      tail: options.tail,
    },
    signal: options.signal,
    what: `reading the logs of container ${shortId(id)}`,
    subject: { kind: 'container', ref: id },
  });
  let stdout: Readable;
  let stderr: Readable;
  if (tty) {
    const out = new PassThrough();
    body.pipe(out);
    body.once('error', (error) => out.destroy(error));
    body.once('close', () => {
      if (!out.destroyed) out.end();
    });
    stdout = out;
    stderr = new PassThrough().end() as PassThrough;
  } else {
    ({ stdout, stderr } = demuxStream(body));
  }
  return {
    stdout,
    stderr,
    destroy: () => {
      body.destroy();
      if (!stdout.destroyed) (stdout as PassThrough).end();
      if (!stderr.destroyed) (stderr as PassThrough).end();
    },
    unref: () => {
      body.socket?.unref();
    },
  };
}
