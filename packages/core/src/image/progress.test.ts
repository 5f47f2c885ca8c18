import { describe, expect, it } from 'vitest';
import { formatProgress, PullTracker, TtyBoard } from './progress.js';

describe('PullTracker', () => {
  it('sums layers and bytes', () => {
    const t = new PullTracker('redis:7');
    t.update({ status: 'Pulling from library/redis', id: '7' });
    t.update({ status: 'Pulling fs layer', id: 'a' });
    t.update({ status: 'Already exists', id: 'b' });
    const e = t.update({ status: 'Downloading', id: 'a', progressDetail: { current: 2_000_000, total: 8_000_000 } });
    expect(e).toMatchObject({ ref: 'redis:7', layer: 'a', layersDone: 1, layersTotal: 2, bytesDone: 2_000_000, bytesTotal: 8_000_000 });
    expect(formatProgress(e)).toBe('redis:7  1/2 layers  2.0/8.0 MB');
    const done = t.update({ status: 'Pull complete', id: 'a' });
    expect(done).toMatchObject({ layersDone: 2, bytesDone: 8_000_000 });
    expect(t.update({ status: 'Digest: sha256:x' }).layer).toBeUndefined();
  });
});

describe('TtyBoard', () => {
  it('redraws one line per image and leaves a final line behind', () => {
    let out = '';
    const board = new TtyBoard({ write: (s: string) => (out += s), columns: 40 }, 0);
    board.set('a', 'a 1/2');
    board.set('b', 'b 0/1');
    expect(out.endsWith('\r\x1b[Ja 1/2\nb 0/1\n')).toBe(true);
    out = '';
    board.finish('a', '✓ a pulled');
    expect(out).toBe('\x1b[2A\r\x1b[J✓ a pulled\nb 0/1\n');
    out = '';
    board.finish('b', undefined);
    expect(out).toBe('\x1b[1A\r\x1b[J');
  });
});
