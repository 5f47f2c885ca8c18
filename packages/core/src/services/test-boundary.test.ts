import { describe, expect, test } from 'vitest';
import { testBoundary } from './test-boundary.js';

const options = { handoff: () => ({ services: {}, env: {} }), beforeAll: () => undefined, afterAll: () => undefined };

describe('testBoundary', () => {
  test('outside a test nothing is taken; inside, what the test took goes back when it ends, all of it', async () => {
    const boundary = testBoundary(`unit-${Math.random()}`, options);
    expect(boundary.hooks.onTestEnd(async () => undefined)).toBe(false);
    const given: string[] = [];
    boundary.testStarted();
    expect(boundary.hooks.onTestEnd(async () => void given.push('a'))).toBe(true);
    expect(boundary.hooks.onTestEnd(async () => void given.push('b'))).toBe(true);
    await boundary.testEnded();
    expect(given.sort()).toEqual(['a', 'b']);
    // The next test starts with nothing of the last one's.
    boundary.testStarted();
    await boundary.testEnded();
    expect(given).toHaveLength(2);
  });

  test('a failed give-back fails the test end, after every other give-back ran', async () => {
    const boundary = testBoundary(`unit-${Math.random()}`, options);
    let other = false;
    boundary.testStarted();
    boundary.hooks.onTestEnd(async () => {
      throw new Error('broker gone');
    });
    boundary.hooks.onTestEnd(async () => {
      other = true;
      return undefined;
    });
    await expect(boundary.testEnded()).rejects.toThrow('broker gone');
    expect(other).toBe(true);
  });

  test('two copies of an adapter (require and import) share one boundary by key', async () => {
    const key = `unit-${Math.random()}`;
    const plugin = testBoundary(key, options);
    const tests = testBoundary(key, options);
    plugin.testStarted();
    let given = false;
    const giveBack = async () => {
      given = true;
      return undefined;
    };
    expect(tests.hooks.onTestEnd(giveBack)).toBe(true);
    await plugin.testEnded();
    expect(given).toBe(true);
  });
});
