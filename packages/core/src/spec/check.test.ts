import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { checker } from './check.js';

function thrown(fn: () => unknown): InvalidSpecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidSpecError) return error;
    throw error;
  }
  throw new Error('expected an InvalidSpecError');
}

describe('checker', () => {
  const check = checker('thing():');

  it('names an unknown key, where it is, and the likely intended key', () => {
    const error = thrown(() => check.keys({ image: 'x', environment: {} }, ['image', 'env'], 'the container spec'));
    expect(error.summary).toBe('thing(): unknown key `environment` in the container spec; did you mean `env`?');
    expect(error.hint).toBe('known keys there: image, env');
    expect(error.details).toMatchObject({ key: 'environment', suggestion: 'env' });
    expect(thrown(() => check.keys({ ulimits: 1 }, { image: true }, 'x')).summary).toBe('thing(): unknown key `ulimits` in x');
    expect(() => check.keys({ image: 'x' }, ['image'], 'x')).not.toThrow();
  });

  it('quotes the field and the value', () => {
    expect(thrown(() => check.integer(-1, 'poolSize', 0, 64)).summary).toBe(
      'thing(): expected `poolSize` to be a whole number 0–64, got -1',
    );
    expect(thrown(() => check.integer(1.5, 'n', 1)).summary).toContain('a whole number ≥ 1, got 1.5');
    expect(thrown(() => check.oneOf('x', 'mode', ['a', 'b'])).summary).toContain('"a" or "b", got "x"');
    expect(thrown(() => check.nonEmpty('', 'image')).summary).toContain('a non-empty string, got ""');
    expect(thrown(() => check.stringArray(['a', 1], 'args')).summary).toContain('an array of strings');
    expect(thrown(() => check.record([], 'settings')).summary).toContain('an object, got []');
    expect(thrown(() => check.boolean('yes', 'keep')).summary).toContain('true or false, got "yes"');
    expect(thrown(() => check.string(() => 1, 'user')).summary).toContain('a string, got a function');
  });

  it('resolves timeouts: the fallback when missing, positive numbers only', () => {
    expect(check.timeoutMs(undefined, 't', 500)).toBe(500);
    expect(check.timeoutMs(20, 't', 500)).toBe(20);
    expect(thrown(() => check.timeoutMs(0, 't', 500)).summary).toContain('a positive number of milliseconds, got 0');
    expect(thrown(() => check.timeoutMs(Number.POSITIVE_INFINITY, 't', 1)).summary).toContain('got null');
  });

  it('fills empty defaults', () => {
    expect(check.record(undefined, 'x')).toEqual({});
    expect(check.stringArray(undefined, 'x')).toBeUndefined();
  });
});
