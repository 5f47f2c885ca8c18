import { describe, expect, it } from 'vitest';
import { ArgReader, ArgWriter, decodeFrames, encodeMethod } from './amqp-codec.js';

describe('AMQP codec', () => {
  it('writes and reads back strings, numbers and nested tables', () => {
    const bytes = new ArgWriter()
      .octet(9)
      .short(513)
      .long(70_000)
      .shortstr('PLAIN')
      .longstr('\0user\0pass')
      .table({ product: 'berth', capabilities: { authentication_failure_close: true }, n: 42 })
      .bytes();
    const reader = new ArgReader(bytes);
    expect([reader.octet(), reader.short(), reader.long(), reader.shortstr(), reader.longstr()]).toEqual([
      9,
      513,
      70_000,
      'PLAIN',
      '\0user\0pass',
    ]);
    expect(reader.table()).toEqual({ product: 'berth', capabilities: { authentication_failure_close: true }, n: 42 });
    expect(reader.done).toBe(true);
  });

  it('reads field types a broker sends that berth never writes', () => {
    // A table with a signed byte, an array of longstr and a void.
    const inner = Buffer.concat([
      Buffer.from([1, 0x62, 0x62]), // key "b", type 'b'
      Buffer.from([0xff]),
      Buffer.from([1, 0x61, 0x41]), // key "a", type 'A'
      Buffer.from([0, 0, 0, 7, 0x53, 0, 0, 0, 2, 0x68, 0x69]),
      Buffer.from([1, 0x76, 0x56]), // key "v", type 'V'
    ]);
    const table = Buffer.concat([Buffer.from([0, 0, 0, inner.length]), inner]);
    expect(new ArgReader(table).table()).toEqual({ b: -1, a: ['hi'], v: null });
  });

  it('frames methods and takes whole frames only, skipping heartbeats', () => {
    const method = encodeMethod(0, 10, 41, new ArgWriter().shortstr('').bytes());
    const heartbeat = Buffer.from([8, 0, 0, 0, 0, 0, 0, 0xce]);
    const stream = Buffer.concat([heartbeat, method, method.subarray(0, 5)]);
    const { frames, rest } = decodeFrames(stream);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ channel: 0, classId: 10, methodId: 41 });
    expect(rest).toEqual(method.subarray(0, 5));
  });

  it('says when the other side is not an AMQP 0-9-1 server', () => {
    expect(() => decodeFrames(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toThrow(/is this an AMQP server/);
    expect(() => decodeFrames(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]))).toThrow('offered protocol version 1-0-0');
    expect(() => new ArgReader(Buffer.from([5, 0x61])).shortstr()).toThrow('truncated');
  });
});
