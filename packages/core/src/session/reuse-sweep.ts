/**
 * Reused containers and their markers, grouped by identity hash, with who holds them and how long
 * they have been idle; and their removal after the TTL. Any later berth run sweeps at session start
 * (session.ts), `berth prune --reuse` on demand. A reused container is held while a lease of a
 * session whose owner is not provably dead exists (session/reuse-markers.ts); idle time counts from
 * the newest of: its last-use marker, its leases, its own creation.
 */
import { hostname } from 'node:os';
import type { Engine } from '../engine/engine.js';
import { debug } from '../log.js';
import { removeResources } from './cleanup.js';
import type { Resource } from './inventory.js';
import { Labels } from './labels.js';
import { judgeOwner, ownerFromLabels, type ProcessProbe, realProbe } from './owner.js';
import { listUpMarkers, type UpMarker } from './up-markers.js';

const log = debug('session');

export interface ReuseHolder {
  session: string;
  state: 'alive' | 'dead' | 'unknown';
}

export interface ReusedGroup {
  hash: string;
  /** The reused containers (normally one) and the markers. */
  resources: Resource[];
  /** Sessions holding a lease: alive ones keep the container. */
  holders: ReuseHolder[];
  /** Epoch ms of the last use. */
  lastUseMs: number | undefined;
  /** `berth up` markers: the configs that keep it for local work (they extend the TTL to theirs). */
  up: UpMarker[];
  /** No live holder and idle longer than the TTL (or the longer one a `berth up` asked for). */
  expired: boolean;
}

export async function listReused(engine: Engine, options: { ttlMs: number; now?: number; probe?: ProcessProbe }): Promise<ReusedGroup[]> {
  const now = options.now ?? Date.now();
  const probe = options.probe ?? realProbe;
  const [containers, leases, lastUses, readies, ups] = await Promise.all([
    engine.listContainers({ [Labels.reuse]: true }),
    engine.listVolumes({ [Labels.reuseLease]: true }),
    engine.listVolumes({ [Labels.reuseLastUse]: true }),
    engine.listVolumes({ [Labels.reuseReady]: true }),
    listUpMarkers(engine),
  ]);
  const groups = new Map<string, ReusedGroup>();
  const group = (hash: string): ReusedGroup => {
    let found = groups.get(hash);
    if (!found) {
      found = { hash, resources: [], holders: [], lastUseMs: undefined, up: [], expired: false };
      groups.set(hash, found);
    }
    return found;
  };
  const used = (g: ReusedGroup, ms: number | undefined) => {
    if (ms !== undefined && (g.lastUseMs === undefined || ms > g.lastUseMs)) g.lastUseMs = ms;
  };
  for (const c of containers) {
    const labels = c.Labels ?? {};
    const g = group(labels[Labels.reuse] as string);
    const createdMs = c.Created ? c.Created * 1000 : undefined;
    g.resources.push({
      kind: 'container',
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      labels,
      createdMs,
      detail: `${c.Image} (${c.State})`,
    });
    used(g, createdMs);
  }
  for (const v of lastUses) {
    const labels = v.Labels ?? {};
    const g = group(labels[Labels.reuseLastUse] as string);
    const ms = parseTime(labels[Labels.created]) ?? parseTime(v.CreatedAt);
    g.resources.push({ kind: 'volume', id: v.Name, name: v.Name, labels, createdMs: ms, detail: 'last-use marker' });
    used(g, ms);
  }
  for (const v of readies) {
    const labels = v.Labels ?? {};
    group(labels[Labels.reuseReady] as string).resources.push({
      kind: 'volume',
      id: v.Name,
      name: v.Name,
      labels,
      createdMs: parseTime(labels[Labels.created]),
      detail: 'ready marker',
    });
  }
  for (const marker of ups) {
    const g = group(marker.hash);
    g.up.push(marker);
    g.resources.push({
      kind: 'volume',
      id: marker.name,
      name: marker.name,
      labels: { [Labels.up]: marker.hash, [Labels.upConfig]: marker.configFile },
      createdMs: marker.createdMs,
      detail: `berth up marker (${marker.configFile})`,
    });
    used(g, marker.createdMs);
  }
  const here = { host: hostname(), probe };
  for (const v of leases) {
    const labels = v.Labels ?? {};
    const g = group(labels[Labels.reuseLease] as string);
    const verdict = judgeOwner(ownerFromLabels(labels), here).state;
    const state = verdict === 'dead' ? 'dead' : verdict === 'alive' ? 'alive' : 'unknown';
    g.holders.push({ session: labels[Labels.session] ?? '?', state });
    used(g, parseTime(labels[Labels.created]) ?? parseTime(v.CreatedAt));
  }
  for (const g of groups.values()) g.expired = isExpired(g, options.ttlMs, now);
  return [...groups.values()].sort((a, b) => (a.lastUseMs ?? 0) - (b.lastUseMs ?? 0));
}

/**
 * No live holder, and idle longer than the TTL — or than the longer one a `berth up` that keeps the
 * group was given: a later run with a shorter BERTH_REUSE_TTL does not cut it short.
 */
export function isExpired(group: Pick<ReusedGroup, 'holders' | 'lastUseMs' | 'up'>, ttlMs: number, now: number): boolean {
  if (group.holders.some((h) => h.state !== 'dead')) return false;
  const ttl = Math.max(ttlMs, ...group.up.map((m) => m.ttlMs ?? 0));
  return group.lastUseMs === undefined || now - group.lastUseMs > ttl;
}

/** Removes the reused containers (with their markers) that no live session holds and that idled past the TTL. */
export async function sweepReused(
  engine: Engine,
  options: { ttlMs: number; now?: number; probe?: ProcessProbe },
): Promise<{ removed: Resource[]; failed: { resource: Resource; error: unknown }[] }> {
  const expired = (await listReused(engine, options)).filter((g) => g.expired);
  const report = await removeResources(
    engine,
    expired.flatMap((g) => g.resources),
  );
  if (expired.length > 0) log('reuse sweep: %d idle reused resource(s), removed %d', expired.length, report.removed.length);
  return report;
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
