import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

const CONTAINER = ['image', 'name', 'env', 'ports', 'labels', 'binds', 'startupTimeoutMs', 'keep', 'wait', 'resources'];

describe('didYouMean', () => {
  it('maps other tools’ names to berth’s', () => {
    expect(didYouMean('environment', CONTAINER)).toBe('env');
    expect(didYouMean('autoRemove', CONTAINER)).toBe('keep');
    expect(didYouMean('waitStrategy', CONTAINER)).toBe('wait');
  });

  it('finds the real name of a prefix or a longer variant', () => {
    expect(didYouMean('startupTimeout', CONTAINER)).toBe('startupTimeoutMs');
    expect(didYouMean('labelsMap', CONTAINER)).toBe('labels');
  });

  it('finds a different case and small typos, swaps included', () => {
    expect(didYouMean('Image', CONTAINER)).toBe('image');
    expect(didYouMean('prots', CONTAINER)).toBe('ports');
    expect(didYouMean('lables', CONTAINER)).toBe('labels');
    expect(didYouMean('resource', CONTAINER)).toBe('resources');
  });

  it('suggests nothing for a key that resembles nothing', () => {
    expect(didYouMean('ulimits', CONTAINER)).toBeUndefined();
    expect(didYouMean('x', CONTAINER)).toBeUndefined();
    // An alias whose target is not a key there suggests nothing.
    expect(didYouMean('environment', ['image'])).toBeUndefined();
  });

  it('counts edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
