import { describe, expect, it } from 'vitest';
import { compareApi, NEWEST_API, negotiatedPrefix } from './system.js';

describe('API version negotiation', () => {
  it('speaks the engine’s version when it is older than berth’s newest', () => {
    expect(negotiatedPrefix('1.41')).toBe('/v1.41');
    expect(negotiatedPrefix('1.40')).toBe('/v1.40');
  });

  it('caps a newer engine at the newest version berth sends fields of', () => {
    expect(negotiatedPrefix('1.47')).toBe(`/v${NEWEST_API}`);
    expect(negotiatedPrefix('2.0')).toBe(`/v${NEWEST_API}`);
  });

  it('leaves the path unversioned when the engine did not say', () => {
    expect(negotiatedPrefix('unknown')).toBe('');
  });

  it('compares numerically, not as text', () => {
    expect(compareApi('1.9', '1.41')).toBeLessThan(0);
    expect(compareApi('1.41', '1.41')).toBe(0);
  });
});
