import { describe, expect, it } from 'vitest';
import { groupBySession, type Resource } from './inventory.js';
import { Labels } from './labels.js';
import type { ProcessProbe } from './owner.js';

const probe: ProcessProbe = { alive: (pid) => pid === 100, startTime: () => '7' };
const here = { host: 'box', probe };

function res(kind: Resource['kind'], name: string, labels: Record<string, string>, createdMs?: number): Resource {
  return { kind, id: `id-${name}`, name, labels, createdMs, detail: '' };
}

function owned(session: string, pid: number, host = 'box'): Record<string, string> {
  return { [Labels.session]: session, [Labels.ownerPid]: String(pid), [Labels.ownerHost]: host, [Labels.ownerStart]: '7' };
}

describe('groupBySession', () => {
  it('groups by session, orders kinds for removal and judges each owner', () => {
    const groups = groupBySession(
      [
        res('volume', 'v1', owned('live', 100), 3000),
        res('container', 'c1', owned('live', 100), 2000),
        res('network', 'n1', owned('live', 100), 2500),
        res('container', 'c2', owned('gone', 200), 1000),
        res('volume', 'cache', { [Labels.kept]: 'true' }, 500),
        res('network', 'n3', owned('far', 200, 'elsewhere'), 4000),
      ],
      here,
    );
    expect(groups.map((g) => [g.session, g.state])).toEqual([
      ['gone', 'dead'],
      ['live', 'alive'],
      ['far', 'other-host'],
      [undefined, 'kept'],
    ]);
    expect(groups[1]?.resources.map((r) => r.name)).toEqual(['c1', 'n1', 'v1']);
    expect(groups[1]?.createdMs).toBe(2000);
    expect(groups[0]?.owner).toEqual({ pid: 200, host: 'box', start: '7' });
  });

  it('keeps a session alive when any of its resources names a live or unknown owner', () => {
    const groups = groupBySession([res('container', 'a', owned('s', 200)), res('volume', 'b', { [Labels.session]: 's' })], here);
    expect(groups[0]?.state).toBe('unknown');
  });

  it('returns nothing for nothing', () => {
    expect(groupBySession([], here)).toEqual([]);
  });
});
