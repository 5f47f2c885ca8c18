import { describe, expect, it } from 'vitest';
import { columns, formatAge } from './format.js';

describe('formatAge', () => {
  it('picks the largest unit that fits', () => {
    const now = 1_000_000_000;
    expect(formatAge(now - 5_000, now)).toBe('5s');
    expect(formatAge(now - 125_000, now)).toBe('2m');
    expect(formatAge(now - 3 * 3600_000, now)).toBe('3h');
    expect(formatAge(now - 50 * 3600_000, now)).toBe('2d');
    expect(formatAge(undefined, now)).toBe('?');
    expect(formatAge(now + 10_000, now)).toBe('0s');
  });
});

describe('columns', () => {
  it('pads every column but the last', () => {
    expect(
      columns(
        [
          ['a', 'bbb', 'c'],
          ['dddd', 'e', 'ffff'],
        ],
        '  ',
      ),
    ).toEqual(['  a     bbb  c', '  dddd  e    ffff']);
  });
});
