/**
 * Container logs as two streams, stdout and stderr. Without a TTY the engine multiplexes them into
 * one (see demux.ts); with one, everything arrives as stdout.
 */
import { PassThrough, type Readable } from 'node:stream';
import { inspectContainer } from './containers.js';
import { demuxStream, open } from './demux.js';
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
    // As in demux.ts: a reader may end `out` at any moment; what arrives after that is dropped.
    const out = new PassThrough();
    out.on('error', () => undefined);
    const onData = (chunk: Buffer) => {
      if (open(out)) out.write(chunk);
      else body.destroy();
    };
    body.on('data', onData);
    body.on('error', (error) => {
      body.off('data', onData);
      if (!out.destroyed) out.destroy(error);
    });
    body.once('close', () => {
      body.off('data', onData);
      if (open(out)) out.end();
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
