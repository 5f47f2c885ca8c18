import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demuxStream } from './demux.js';

const frame = (kind: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

async function read(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

describe('demux', () => {
  it('splits a stream whose frames arrive cut at every byte', async () => {
    const source = new PassThrough();
    const { stdout, stderr } = demuxStream(source);
    const all = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n'), frame(1, '')]);
    const texts = Promise.all([read(stdout), read(stderr)]);
    for (let i = 0; i < all.length; i++) source.write(all.subarray(i, i + 1));
    source.end();
    expect(await texts).toEqual(['out 1\nout 2\n', 'err 1\n']);
  });

  it('fails both outputs when the source fails', async () => {
    const source = new PassThrough();
    const { stdout, stderr } = demuxStream(source);
    // Both readers attach before the failure: an 'error' on a stream nobody listens to would be uncaught.
    const reads = [read(stdout), read(stderr)];
    source.destroy(new Error('gone'));
    await expect(reads[0]).rejects.toThrow('gone');
    await expect(reads[1]).rejects.toThrow('gone');
  });
});

describe('demux when a reader ends its output mid-chunk', () => {
  // The order of events of #24's uncaught ERR_STREAM_WRITE_AFTER_END: one chunk from the engine
  // holds several frames; the first one reaches a 'data' listener synchronously, and that listener
  // (a log wait that found its line) ends the outputs before the rest of the chunk is split.
  it('drops the frames after the end instead of writing after it, and stops the source', async () => {
    const source = new PassThrough();
    const { stdout, stderr } = demuxStream(source);
    const errors: unknown[] = [];
    const seen: string[] = [];
    stdout.on('error', (error) => errors.push(error));
    stderr.on('error', (error) => errors.push(error));
    stdout.on('data', (chunk: Buffer) => {
      seen.push(chunk.toString());
      stdout.end();
      stderr.end();
    });
    stderr.resume();
    source.write(Buffer.concat([frame(1, 'ready\n'), frame(1, 'more\n'), frame(2, 'late\n')]));
    // Errors are emitted on the next tick; give them every chance.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([]);
    expect(seen).toEqual(['ready\n']);
    expect(source.destroyed).toBe(true);
  });

  // The order of events the engine test (test/engine/log-stream-end.test.ts) produced: the answer's
  // first frames are buffered in the response before demux listens; the caller closes the logs
  // (source destroyed, outputs ended) in the same tick; node still emits the buffered data after.
  it('drops frames the source hands out after it was destroyed and its outputs ended', async () => {
    const source = new PassThrough();
    source.write(Buffer.concat([frame(1, 'buffered out\n'), frame(2, 'buffered err\n')]));
    const { stdout, stderr } = demuxStream(source);
    const errors: unknown[] = [];
    stdout.on('error', (error) => errors.push(error));
    stderr.on('error', (error) => errors.push(error));
    source.destroy();
    stdout.end();
    stderr.end();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors).toEqual([]);
  });

  it('keeps feeding the output that is still read when the other one ends', async () => {
    const source = new PassThrough();
    const { stdout, stderr } = demuxStream(source);
    stdout.end();
    const err = read(stderr);
    source.end(Buffer.concat([frame(1, 'dropped\n'), frame(2, 'kept\n')]));
    expect(await err).toBe('kept\n');
  });

  it('a source failure reaches a reader of one output and is not uncaught on the other', async () => {
    const source = new PassThrough();
    const { stdout } = demuxStream(source);
    const reading = read(stdout);
    source.destroy(new Error('connection reset'));
    await expect(reading).rejects.toThrow('connection reset');
  });
});
