import { describe, expect, it } from 'vitest';
import { groupBySession, type Resource } from './inventory.js';
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

describe('a session that kept slices, as inventories judge it', () => {
  it('is judged by its containers (dead owner: dead), the markers naming no owner', () => {
    const here = { host: 'h', probe: { alive: () => false, startTime: () => undefined } };
    const owned = { [Labels.ownerPid]: '4242', [Labels.ownerHost]: 'h' };
    const groups = groupBySession([resource('container', 'db', owned), marker('db', 1)], here);
    expect(groups.map((g) => g.state)).toEqual(['dead']);
    // A berth that does not know markers judges every resource: the marker's missing owner keeps it "unknown".
    const judgedAll = groupBySession([resource('volume', 'm', {})], here);
    expect(judgedAll.map((g) => g.state)).toEqual(['unknown']);
  });
});
