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
