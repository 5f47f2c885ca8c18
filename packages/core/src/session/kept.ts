/**
 * What a run keeps for debugging (services/keep.ts) stays on the engine after the run: at a normal
 * end, the run writes one marker volume per container holding kept slices, `berth-kept-<container>`,
 * with the session's labels and the slices as JSON. Labels cannot be added to a running container,
 * so the marker is what says "keep this one" to everything that removes a session's resources:
 *
 * - the end of the run and the reaper's last pass remove the session's other containers and leave
 *   the kept ones, with the session's networks, volumes and images (a kept container may use them);
 * - the dead-session sweep of later runs leaves the session alone until its markers are older than
 *   the reuse TTL (BERTH_REUSE_TTL), then removes all of it;
 * - `berth ls` shows the slices with their test; `berth prune` removes the session, markers included.
 *
 * Markers are written only when the run ends normally: a run stopped by a signal or killed (the
 * reaper's pass after SIGKILL) has none, so everything of it is removed as before.
 */
import type { Engine } from '../engine/engine.js';
import type { KeptSlice } from '../services/keep.js';
import type { Resource } from './inventory.js';
import { Labels } from './labels.js';

export function keptMarkerName(container: string): string {
  return `berth-kept-${container}`;
}

/**
 * What a marker copies from its container: the session, so both are listed and pruned together —
 * and not the owner. Owner labels are what a dead-session sweep judges; a marker without them makes
 * its session "owner unknown" to a berth that does not know markers (an older version on the same
 * engine), which then leaves it alone. This version judges the session by its other resources
 * (inventory.ts) and applies the TTL (sweep.ts).
 */
const SESSION_LABELS = [Labels.session, Labels.version];

/**
 * Writes the markers for `slices` (one per container), with the session labels of the container
 * itself: in one runner process two copies of core may each own a session (a config loaded through
 * a bundler brings its own), and the marker must belong to the one whose end or reaper removes the
 * container. Returns the containers marked; one that is gone or carries no session is skipped.
 */
export async function markKept(engine: Engine, slices: readonly KeptSlice[]): Promise<Set<string>> {
  const byContainer = new Map<string, KeptSlice[]>();
  for (const slice of slices) byContainer.set(slice.container, [...(byContainer.get(slice.container) ?? []), slice]);
  const marked = new Set<string>();
  await Promise.all(
    [...byContainer].map(async ([container, held]) => {
      const own = (await engine.inspectContainer(container))?.Config.Labels ?? {};
      if (!own[Labels.session]) return;
      const session = Object.fromEntries(SESSION_LABELS.flatMap((key) => (own[key] === undefined ? [] : [[key, own[key]]])));
      await engine.createVolume({
        name: keptMarkerName(container),
        labels: {
          ...session,
          [Labels.created]: new Date().toISOString(),
          [Labels.keptContainer]: container,
          [Labels.keptSlices]: JSON.stringify(held),
        },
      });
      marked.add(container);
    }),
  );
  return marked;
}

/** The slices a marker volume records; undefined for any other resource. */
export function keptSlicesOf(resource: Resource): KeptSlice[] | undefined {
  const raw = resource.kind === 'volume' ? resource.labels[Labels.keptSlices] : undefined;
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as KeptSlice[]) : [];
  } catch {
    return [];
  }
}

/** Container names the markers among `resources` keep. */
export function keptContainers(resources: readonly Resource[]): Set<string> {
  return new Set(resources.flatMap((r) => (keptSlicesOf(r) ? [r.labels[Labels.keptContainer] ?? ''] : [])).filter(Boolean));
}

/**
 * What of a session's `resources` to remove at its end: everything when it has no kept-slice
 * marker; otherwise only the containers that hold no kept slice.
 */
export function removableAtEnd(resources: readonly Resource[]): Resource[] {
  const kept = keptContainers(resources);
  if (kept.size === 0) return [...resources];
  return resources.filter((r) => r.kind === 'container' && !kept.has(r.name) && !kept.has(r.id));
}

/** Whether a dead session's resources are still kept: it has markers, and the newest is younger than the TTL. */
export function keptUntilTtl(resources: readonly Resource[], ttlMs: number, now = Date.now()): boolean {
  const markers = resources.filter((r) => keptSlicesOf(r) !== undefined);
  if (markers.length === 0) return false;
  return markers.some((m) => m.createdMs === undefined || now - m.createdMs < ttlMs);
}
