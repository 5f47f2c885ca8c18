/**
 * The engine's multiplexed stream format (logs and exec of a container without a TTY): frames of an
 * 8-byte header (byte 0: 1 = stdout, 2 = stderr; bytes 4–7: big-endian length) and that many bytes.
 */
import { PassThrough, type Readable } from 'node:stream';

export interface Demuxed {
  stdout: PassThrough;
  stderr: PassThrough;
}

/** Splits a live stream; both outputs end (or fail) with the source. */
export function demuxStream(source: Readable): Demuxed {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let pending: Buffer = Buffer.alloc(0);
  source.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const frame = pending.subarray(8, 8 + size);
      (pending[0] === 2 ? stderr : stdout).write(frame);
      pending = pending.subarray(8 + size);
    }
  });
  const end = () => {
    if (!stdout.destroyed) stdout.end();
    if (!stderr.destroyed) stderr.end();
  };
  source.once('end', end);
  source.once('close', end);
  source.once('error', (error) => {
    stdout.destroy(error);
    stderr.destroy(error);
  });
  return { stdout, stderr };
}
