import { describe, expect, it } from 'vitest';
import type { Resource } from './inventory.js';
import { keptUntilTtl, removableAtEnd } from './kept.js';
import { Labels } from './labels.js';

const resource = (kind: Resource['kind'], name: string, labels: Record<string, string> = {}, createdMs?: number): Resource => ({
  kind,
  id: `id-${name}`,
  name,
  labels: { [Labels.session]: 's1', ...labels },
  createdMs,
  detail: '',
});

const marker = (container: string, createdMs: number) =>
  resource('volume', `berth-kept-${container}`, { [Labels.keptSlices]: '[]', [Labels.keptContainer]: container }, createdMs);

describe('kept slices at the end of a session', () => {
  it('without a marker everything of the session goes', () => {
    const all = [resource('container', 'a'), resource('network', 'n'), resource('volume', 'v')];
    expect(removableAtEnd(all)).toEqual(all);
  });

  it('with a marker only the containers that hold no kept slice go', () => {
    const all = [resource('container', 'db'), resource('container', 'cache'), resource('network', 'n'), marker('db', 1)];
    expect(removableAtEnd(all).map((r) => r.name)).toEqual(['cache']);
  });

  it('a dead session with markers is kept until the newest is older than the TTL', () => {
    const now = 10_000_000;
    expect(keptUntilTtl([resource('container', 'db')], 60_000, now)).toBe(false);
    expect(keptUntilTtl([resource('container', 'db'), marker('db', now - 30_000)], 60_000, now)).toBe(true);
    expect(keptUntilTtl([resource('container', 'db'), marker('db', now - 90_000)], 60_000, now)).toBe(false);
  });
});
