/** `berth ls`: berth's resources grouped by session, with owner, owner state and ages. */
import { hostname } from 'node:os';
import type { Engine } from '../engine/engine.js';
import { groupBySession, listResources, type SessionGroup } from '../session/inventory.js';
import { keptSlicesOf } from '../session/kept.js';
import { realProbe } from '../session/owner.js';
import { columns, formatAge, type Output } from './format.js';

export async function listGroups(engine: Engine, sessions: readonly string[], images: 'remove-at-end' | 'all'): Promise<SessionGroup[]> {
  const found =
    sessions.length === 0
      ? await listResources(engine, { images })
      : (await Promise.all(sessions.map((session) => listResources(engine, { session, images })))).flat();
  return groupBySession(found, { host: hostname(), probe: realProbe });
}

/** The JSON shape of a group (stable for scripts). */
export function groupJson(group: SessionGroup) {
  return {
    session: group.session ?? null,
    state: group.state,
    reason: group.reason,
    owner: { pid: group.owner.pid ?? null, host: group.owner.host ?? null },
    createdAt: group.createdMs === undefined ? null : new Date(group.createdMs).toISOString(),
    kept: group.resources.flatMap((r) => keptSlicesOf(r) ?? []),
    resources: group.resources.map((r) => ({
      kind: r.kind,
      id: r.id,
      name: r.name,
      detail: r.detail,
      createdAt: r.createdMs === undefined ? null : new Date(r.createdMs).toISOString(),
    })),
  };
}

export function groupTitle(group: SessionGroup, now: number): string {
  if (group.session === undefined) return 'kept volumes (removed only by `berth prune --all`)';
  const owner = group.owner.pid === undefined ? 'owner unknown' : `owner pid ${group.owner.pid} on ${group.owner.host}`;
  return `session ${group.session}  ${owner}  ${group.state} (${group.reason})  age ${formatAge(group.createdMs, now)}`;
}

export function printGroups(groups: readonly SessionGroup[], io: Output, now = Date.now()): void {
  if (groups.length === 0) {
    io.out('no berth resources');
    return;
  }
  for (const group of groups) {
    io.out(groupTitle(group, now));
    for (const line of columns(
      group.resources.map((r) => [r.kind, r.name, formatAge(r.createdMs, now), r.detail]),
      '  ',
    )) {
      io.out(line);
    }
    // Slices a run kept for its failed tests (session/kept.ts): which test, and where to look.
    const kept = group.resources.flatMap((r) => keptSlicesOf(r) ?? []);
    if (kept.length > 0) io.out('  kept for failed tests (`berth prune` removes them, or the reuse TTL):');
    for (const line of columns(
      kept.map((slice) => [slice.service, slice.url, slice.test]),
      '    ',
    )) {
      io.out(line);
    }
  }
}
