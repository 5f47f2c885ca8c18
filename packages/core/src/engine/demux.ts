/**
 * The engine's multiplexed stream format (logs and exec of a container without a TTY): frames of an
 * 8-byte header (byte 0: 1 = stdout, 2 = stderr; bytes 4–7: big-endian length) and that many bytes.
 *
 * The outputs may be ended or destroyed by their reader at any moment, and the source still hands
 * out data after that: frames read in with the response headers sit in its buffer, and node emits
 * them on the next tick even when the source was destroyed in between (closing logs the moment they
 * open does exactly that: test/engine/log-stream-end.test.ts); a reader may also end an output from
 * inside a write, since a PassThrough passes a chunk to its 'data' listener synchronously. Frames for
 * an output that is over are dropped, never written: a write after end would be an 'error' on a
 * stream nobody listens to any more, an uncaught exception in the user's process (issue #24).
 */
import { PassThrough, type Readable } from 'node:stream';

export interface Demuxed {
  stdout: PassThrough;
  stderr: PassThrough;
}

function ignore(): void {}

/** True while `output` still takes writes. */
export function open(output: PassThrough): boolean {
  return !output.destroyed && !output.writableEnded;
}

/** Splits a live stream; both outputs end (or fail) with the source. */
export function demuxStream(source: Readable): Demuxed {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  // A reader of stdout alone must not crash on a connection failure delivered to stderr: the
  // failure still reaches every reader that iterates, pipes or listens ('error' is also kept below).
  for (const output of [stdout, stderr]) output.on('error', ignore);
  let pending: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const frame = pending.subarray(8, 8 + size);
      const output = pending[0] === 2 ? stderr : stdout;
      pending = pending.subarray(8 + size);
      if (open(output)) output.write(frame);
    }
    // Nobody reads any more: stop the source (and free its connection) rather than split for nobody.
    if (!open(stdout) && !open(stderr)) {
      source.off('data', onData);
      if (!source.destroyed) source.destroy();
    }
  };
  source.on('data', onData);
  const end = () => {
    source.off('data', onData);
    if (open(stdout)) stdout.end();
    if (open(stderr)) stderr.end();
  };
  source.once('end', end);
  source.once('close', end);
  source.on('error', (error) => {
    source.off('data', onData);
    if (!stdout.destroyed) stdout.destroy(error);
    if (!stderr.destroyed) stderr.destroy(error);
  });
  return { stdout, stderr };
}
