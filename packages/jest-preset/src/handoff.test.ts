import { describe, expect, test } from 'vitest';
import { HANDOFF_VARIABLE, readHandoff, writeHandoff } from './handoff.js';

describe('hand-off through the environment', () => {
  test('round-trips as JSON', () => {
    const env: Record<string, string | undefined> = {};
    const handoff = {
      services: { db: { kind: 'postgres', host: '127.0.0.1', port: 5432, containerName: 'berth-db' } },
      env: { DATABASE_URL: 'postgres://x' },
      broker: { url: 'http://127.0.0.1:1', token: 't' },
    };
    writeHandoff(handoff, env);
    expect(typeof env[HANDOFF_VARIABLE]).toBe('string');
    expect(readHandoff(env)).toEqual({ ok: true, handoff });
  });

  test('tells missing from malformed', () => {
    expect(readHandoff({})).toEqual({ ok: false, reason: 'missing' });
    expect(readHandoff({ [HANDOFF_VARIABLE]: '{not json' })).toEqual({ ok: false, reason: 'malformed' });
    expect(readHandoff({ [HANDOFF_VARIABLE]: '{"env":{}}' })).toEqual({ ok: false, reason: 'malformed' });
  });
});
