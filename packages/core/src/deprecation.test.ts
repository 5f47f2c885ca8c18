import { afterEach, describe, expect, test, vi } from 'vitest';
import { DEPRECATION_CODE, deprecated, warnDeprecated } from './deprecation.js';

describe('deprecation warnings', () => {
  afterEach(() => vi.restoreAllMocks());

  test('one DeprecationWarning per name, with the code and the replacement', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    warnDeprecated('oldThing() [unit test 1]', 'newThing()');
    warnDeprecated('oldThing() [unit test 1]', 'newThing()');
    warnDeprecated('otherThing() [unit test 1]', 'anotherThing()');
    expect(emit).toHaveBeenCalledTimes(2);
    expect(emit.mock.calls[0]).toEqual([
      'oldThing() [unit test 1] is deprecated: use newThing(). It will be removed in a future minor version.',
      { type: 'DeprecationWarning', code: DEPRECATION_CODE },
    ]);
    expect(String(emit.mock.calls[1]?.[0])).toContain('otherThing() [unit test 1] is deprecated: use anotherThing()');
  });

  test('a deprecated alias returns what the function returns and warns on its first call only', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const add = deprecated('add() [unit test 2]', 'sum()', (a: number, b: number) => a + b);
    expect(emit).not.toHaveBeenCalled();
    expect(add(1, 2)).toBe(3);
    expect(add(3, 4)).toBe(7);
    expect(emit).toHaveBeenCalledTimes(1);
  });
});
