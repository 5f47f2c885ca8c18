/**
 * What berth has on an engine: every resource that carries a session label, plus kept volumes,
 * flattened into one shape and grouped by session. Listing talks to the engine; grouping is pure.
 */
import type { Engine } from '../engine/engine.js';
import { Labels } from './labels.js';
import { judgeOwner, type OwnerInfo, type OwnerState, ownerFromLabels, type ProcessProbe } from './owner.js';

export type ResourceKind = 'container' | 'network' | 'volume' | 'image';

/** Removal order: containers hold networks and volumes, so they go first. */
export const KIND_ORDER: readonly ResourceKind[] = ['container', 'network', 'volume', 'image'];

export interface Resource {
  kind: ResourceKind;
  /** Engine id (volumes: their name). */
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Milliseconds since the epoch, when the engine tells. */
  createdMs: number | undefined;
  /** Image and state for containers, driver for networks, tags for images. */
  detail: string;
}

export interface SessionGroup {
  /** The session id; undefined for the group of kept volumes. */
  session: string | undefined;
  owner: OwnerInfo;
  state: OwnerState | 'kept';
  reason: string;
  /** Oldest resource of the group. */
  createdMs: number | undefined;
  resources: Resource[];
}

export interface ListFilter {
  /** One session only; default every session. */
  session?: string;
  /** Include kept volumes (only when no session is given). Default true. */
  kept?: boolean;
  /** Which images: only those marked remove-at-end (default), every session-labelled one, or none. */
  images?: 'remove-at-end' | 'all' | 'none';
}

export async function listResources(engine: Engine, filter: ListFilter = {}): Promise<Resource[]> {
  const bySession: Record<string, string | true> = { [Labels.session]: filter.session ?? true };
  const images = filter.images ?? 'remove-at-end';
  const imageFilter = images === 'all' ? bySession : { ...bySession, [Labels.removeImage]: 'true' };
  const wantKept = filter.session === undefined && (filter.kept ?? true);
  const [containers, networks, volumes, kept, imageList] = await Promise.all([
    engine.listContainers(bySession),
    engine.listNetworks(bySession),
    engine.listVolumes(bySession),
    wantKept ? engine.listVolumes({ [Labels.kept]: 'true' }) : Promise.resolve([]),
    images === 'none' ? Promise.resolve([]) : engine.listImages(imageFilter),
  ]);
  const result: Resource[] = [];
  for (const c of containers) {
    result.push({
      kind: 'container',
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      labels: c.Labels ?? {},
      createdMs: c.Created ? c.Created * 1000 : undefined,
      detail: `${c.Image} (${c.State})`,
    });
  }
  for (const n of networks) {
    result.push({ kind: 'network', id: n.Id, name: n.Name, labels: n.Labels ?? {}, createdMs: parseTime(n.Created), detail: n.Driver });
  }
  const seenVolumes = new Set<string>();
  for (const v of [...volumes, ...kept]) {
    if (seenVolumes.has(v.Name)) continue;
    seenVolumes.add(v.Name);
    result.push({ kind: 'volume', id: v.Name, name: v.Name, labels: v.Labels ?? {}, createdMs: parseTime(v.CreatedAt), detail: '' });
  }
  for (const i of imageList) {
    // Initialised-image cache entries carry a blanked session label; they are listed apart (cli/reuse.ts).
    if (i.Labels?.[Labels.cache] !== undefined) continue;
    const tag = i.RepoTags?.find((t) => t !== '<none>:<none>') ?? i.Id.slice(7, 19);
    result.push({
      kind: 'image',
      id: i.Id,
      name: tag,
      labels: i.Labels ?? {},
      createdMs: i.Created ? i.Created * 1000 : undefined,
      detail: '',
    });
  }
  return result;
}

/**
 * Groups resources by session and judges each session's owner. A session counts as dead only when
 * every owner its resources name is dead (they should all name the same one). Sessions come oldest
 * first; the kept-volume group comes last.
 */
export function groupBySession(resources: readonly Resource[], here: { host: string; probe: ProcessProbe }): SessionGroup[] {
  const groups = new Map<string | undefined, Resource[]>();
  for (const resource of resources) {
    const session = resource.labels[Labels.session] || undefined;
    const list = groups.get(session) ?? [];
    list.push(resource);
    groups.set(session, list);
  }
  const result: SessionGroup[] = [];
  for (const [session, list] of groups) {
    list.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
    const createdMs = oldest(list);
    if (session === undefined) {
      result.push({
        session,
        owner: { pid: undefined, host: undefined, start: undefined },
        state: 'kept',
        reason: 'kept volumes',
        createdMs,
        resources: list,
      });
      continue;
    }
    // Kept-slice markers name no owner on purpose (kept.ts): the session is judged by the rest.
    const judged = list.filter((r) => r.labels[Labels.keptSlices] === undefined);
    const verdicts = (judged.length > 0 ? judged : list).map((r) => ({
      owner: ownerFromLabels(r.labels),
      verdict: judgeOwner(ownerFromLabels(r.labels), here),
    }));
    const first = verdicts[0] ?? { owner: ownerFromLabels(undefined), verdict: { state: 'unknown' as const, reason: 'empty' } };
    const notDead = verdicts.find((v) => v.verdict.state !== 'dead');
    const chosen = notDead ?? first;
    result.push({ session, owner: chosen.owner, state: chosen.verdict.state, reason: chosen.verdict.reason, createdMs, resources: list });
  }
  return result.sort((a, b) => {
    if (a.session === undefined || b.session === undefined) return a.session === undefined ? 1 : -1;
    return (a.createdMs ?? 0) - (b.createdMs ?? 0);
  });
}

function oldest(list: readonly Resource[]): number | undefined {
  const times = list.map((r) => r.createdMs).filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.min(...times) : undefined;
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
