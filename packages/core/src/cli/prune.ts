/**
 * `berth prune`: removes the resources of sessions whose owner is provably dead on this host.
 * `--all` removes everything berth labelled (every session, alive or not, every session-labelled
 * image, kept volumes); `--session` narrows to given sessions (still only dead ones unless --all is
 * impossible with it); `--dry-run` removes nothing and lists what would go.
 */
import type { Engine } from '../engine/engine.js';
import { removeResources } from '../session/cleanup.js';
import type { Resource, SessionGroup } from '../session/inventory.js';
import { columns, type Output } from './format.js';
import { groupTitle, listGroups } from './ls.js';

export interface PruneOptions {
  all: boolean;
  dryRun: boolean;
  sessions: readonly string[];
}

export interface PruneResult {
  dryRun: boolean;
  sessions: SessionGroup[];
  removed: Resource[];
  failed: { resource: Resource; error: string }[];
}

export async function prune(engine: Engine, options: PruneOptions): Promise<PruneResult> {
  const groups = await listGroups(engine, options.sessions, options.all ? 'all' : 'remove-at-end');
  const chosen = options.all ? groups : groups.filter((g) => g.state === 'dead');
  const resources = chosen.flatMap((g) => g.resources);
  if (options.dryRun) return { dryRun: true, sessions: chosen, removed: resources, failed: [] };
  const report = await removeResources(engine, resources);
  return {
    dryRun: false,
    sessions: chosen,
    removed: report.removed,
    failed: report.failed.map((f) => ({ resource: f.resource, error: (f.error as Error).message ?? String(f.error) })),
  };
}

export function pruneJson(result: PruneResult) {
  const brief = (r: Resource) => ({ kind: r.kind, id: r.id, name: r.name, session: r.labels['dev.berth.session'] ?? null });
  return {
    dryRun: result.dryRun,
    sessions: result.sessions.map((s) => s.session ?? null),
    [result.dryRun ? 'wouldRemove' : 'removed']: result.removed.map(brief),
    failed: result.failed.map((f) => ({ ...brief(f.resource), error: f.error })),
  };
}

export function printPrune(result: PruneResult, io: Output, now = Date.now()): void {
  if (result.sessions.length === 0) {
    io.out('nothing to prune');
    return;
  }
  const verb = result.dryRun ? 'would remove' : 'removed';
  for (const group of result.sessions) {
    io.out(groupTitle(group, now));
    const failed = new Set(result.failed.map((f) => f.resource));
    const rows = group.resources.map((r) => [failed.has(r) ? 'FAILED' : verb, r.kind, r.name]);
    for (const line of columns(rows, '  ')) io.out(line);
  }
  for (const f of result.failed) io.err(`could not remove ${f.resource.kind} ${f.resource.name}: ${f.error}`);
  io.out(
    `${verb} ${result.removed.length} resource(s) of ${result.sessions.length} session group(s)${result.failed.length ? `, ${result.failed.length} failed` : ''}`,
  );
}
