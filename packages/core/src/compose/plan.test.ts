import { describe, expect, it } from 'vitest';
import { ComposeFileError } from '../errors.js';
import { loadSources } from './load.js';
import { planStart } from './plan.js';

const project = (text: string) => loadSources([{ path: '/p/compose.yaml', text }], '/p', () => undefined);
const order = (text: string, options = {}) => {
  const { model, places } = project(text);
  return planStart(model, places, options).order.map((s) => s.name);
};

const FILE = `
services:
  web: { image: x, depends_on: [api, cache] }
  api: { image: x, depends_on: { db: { condition: service_healthy } } }
  db: { image: x }
  cache: { image: x }
  debug: { image: x, profiles: [debug], depends_on: [web] }
`;

describe('planStart', () => {
  it('puts dependencies before dependents', () => {
    const names = order(FILE);
    expect(names).toEqual(['db', 'api', 'cache', 'web']);
  });

  it('starts profiled services only when a profile is active', () => {
    expect(order(FILE, { profiles: ['debug'] })).toContain('debug');
    expect(order(FILE)).not.toContain('debug');
  });

  it('starts a subset with its dependencies', () => {
    expect(order(FILE, { services: ['api'] })).toEqual(['db', 'api']);
  });

  it('names an unknown dependency at its line (when loading)', () => {
    expect(() => project('services:\n  a:\n    image: x\n    depends_on: [ghost]\n')).toThrow(
      '/p/compose.yaml:4: `services.a.depends_on.ghost`: depends on "ghost"',
    );
  });

  it('rejects a wait override or subset naming an unknown service', () => {
    const { model, places } = project(FILE);
    expect(() => planStart(model, places, { waitFor: ['wbe'] })).toThrow(ComposeFileError);
    expect(() => planStart(model, places, { services: ['nope'] })).toThrow('the `services` option names "nope"');
  });

  it('prints a dependency cycle (when loading)', () => {
    expect(() =>
      project('services:\n  a: { image: x, depends_on: [b] }\n  b: { image: x, depends_on: [c] }\n  c: { image: x, depends_on: [a] }\n'),
    ).toThrow('dependency cycle: a → b → c → a');
  });

  it('rejects a dependency its profile leaves out', () => {
    const { model, places } = project('services:\n  a: { image: x, depends_on: [b] }\n  b: { image: x, profiles: [extra] }\n');
    expect(() => planStart(model, places)).toThrow('which no active profile enables');
  });
});
