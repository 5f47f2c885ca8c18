import { describe, expect, it } from 'vitest';
import { NotSerialisableError } from '../errors.js';
import { checkSerialisable } from './serialisable.js';

const base = { kind: 'x', host: '127.0.0.1', port: 1, containerName: 'c' };

function problem(details: unknown): NotSerialisableError | undefined {
  try {
    checkSerialisable('db', details);
    return undefined;
  } catch (error) {
    return error as NotSerialisableError;
  }
}

describe('checkSerialisable', () => {
  it('accepts plain JSON, with optional fields left undefined', () => {
    expect(problem({ ...base, tags: ['a', 1, null, { deep: true }], password: undefined })).toBeUndefined();
  });

  it('names the service and the path of the first bad field', () => {
    const error = problem({ ...base, client: { connect: () => undefined } });
    expect(error).toBeInstanceOf(NotSerialisableError);
    expect(error).toMatchObject({ code: 'BERTH_NOT_SERIALISABLE', details: { service: 'db', path: 'details.client.connect' } });
    expect(error?.message).toMatch(/service "db" has details that are not plain JSON: details\.client\.connect is a function/);
  });

  it('refuses class instances, bigints, NaN, cycles and odd keys with a readable path', () => {
    expect(problem({ ...base, at: new Date() })?.details.path).toBe('details.at');
    expect(problem({ ...base, n: 1n })?.details.path).toBe('details.n');
    expect(problem({ ...base, list: [1, Number.NaN] })?.details.path).toBe('details.list[1]');
    const cyclic: Record<string, unknown> = { ...base };
    cyclic.self = cyclic;
    expect(problem(cyclic)?.message).toMatch(/details\.self is a reference back/);
    expect(problem({ ...base, 'x-y': () => 1 })?.details.path).toBe('details["x-y"]');
  });
});
