/**
 * Removal of berth resources: containers first (they hold networks and volumes), then networks, then
 * volumes, then images. Within a kind everything goes at once with `Promise.allSettled`; every
 * failure is collected, and "already gone" counts as success (the Engine methods are idempotent).
 */
import type { Engine } from '../engine/engine.js';
import { CleanupError } from '../errors.js';
import { debug } from '../log.js';
import { KIND_ORDER, listResources, type Resource } from './inventory.js';
import { removableAtEnd } from './kept.js';
import { forgetReused, settleReuseMarkers } from './reuse-markers.js';

const log = debug('session');

export interface RemovalFailure {
  resource: Resource;
  error: unknown;
}

export interface RemovalReport {
  removed: Resource[];
  failed: RemovalFailure[];
}

export async function removeResources(engine: Engine, resources: readonly Resource[]): Promise<RemovalReport> {
  const report: RemovalReport = { removed: [], failed: [] };
  for (const kind of KIND_ORDER) {
    const batch = resources.filter((r) => r.kind === kind);
    const results = await Promise.allSettled(batch.map((r) => removeOne(engine, r)));
    results.forEach((result, i) => {
      const resource = batch[i] as Resource;
      if (result.status === 'fulfilled') report.removed.push(resource);
      else report.failed.push({ resource, error: result.reason });
    });
  }
  return report;
}

function removeOne(engine: Engine, resource: Resource): Promise<void> {
  switch (resource.kind) {
    case 'container':
      return engine.removeContainer(resource.id, { volumes: true });
    case 'network':
      return engine.removeNetwork(resource.id);
    case 'volume':
      return engine.removeVolume(resource.id);
    case 'image':
      return engine.removeImage(resource.id, true);
  }
}

/** Turns failures into one CleanupError (or nothing when there were none). */
export function cleanupError(what: string, report: RemovalReport): CleanupError | undefined {
  if (report.failed.length === 0) return undefined;
  const total = report.failed.length + report.removed.length;
  const names = report.failed.map((f) => `${f.resource.kind} ${f.resource.name}`).join(', ');
  return new CleanupError(
    `${what}: ${report.failed.length} of ${total} removals failed (${names})`,
    report.failed.map((f) => f.error),
    {
      hint: 'run `berth ls` to see what is left and `berth prune` to retry',
    },
  );
}

/**
 * Removes everything labelled with the session: containers, networks, volumes, and images marked
 * remove-at-end — except, when the run kept slices, their containers and what they may use
 * (session/kept.ts). Idempotent; throws one CleanupError listing every failure.
 */
export async function removeSession(engine: Engine, sessionId: string): Promise<RemovalReport> {
  const resources = removableAtEnd(await listResources(engine, { session: sessionId }));
  // Reused containers this session leased were in use until now: date their last use first. Those
  // it made and removes now take their markers with them.
  const gone = await settleReuseMarkers(engine, resources);
  const report = await removeResources(engine, resources);
  await forgetReused(engine, gone);
  log('session %s: removed %d resources, %d failures', sessionId, report.removed.length, report.failed.length);
  const error = cleanupError(`cleaning up session ${sessionId}`, report);
  if (error) throw error;
  return report;
}
