/**
 * The dead-session sweep: removes resources whose owner is provably dead on this host (see owner.ts).
 * It runs once per process, in the session owner, at session start, in the background. It is what
 * cleans up after a run whose reaper could not run (BERTH_REAPER=off, running from source, a reaper
 * that was itself killed). Live sessions, other hosts' sessions and kept volumes are never touched.
 */
import { hostname } from 'node:os';
import type { Engine } from '../engine/engine.js';
import { debug } from '../log.js';
import { removeResources } from './cleanup.js';
import { groupBySession, listResources, type SessionGroup } from './inventory.js';
import { keptUntilTtl } from './kept.js';
import { type ProcessProbe, realProbe } from './owner.js';

const log = debug('session');

export interface SweepResult {
  sessions: SessionGroup[];
  removed: number;
  failed: number;
}

/** Sessions whose owner is provably dead on this host. */
export async function deadSessions(engine: Engine, probe: ProcessProbe = realProbe): Promise<SessionGroup[]> {
  const resources = await listResources(engine, { kept: false });
  return groupBySession(resources, { host: hostname(), probe }).filter((g) => g.state === 'dead');
}

/**
 * Removes dead sessions' resources; a session that kept slices of failed tests (session/kept.ts)
 * stays until its markers are older than `keptTtlMs` (the reuse TTL).
 */
export async function sweepDeadSessions(engine: Engine, probe: ProcessProbe = realProbe, keptTtlMs = 30 * 60_000): Promise<SweepResult> {
  const sessions = (await deadSessions(engine, probe)).filter((s) => !keptUntilTtl(s.resources, keptTtlMs));
  const report = await removeResources(
    engine,
    sessions.flatMap((s) => s.resources),
  );
  if (sessions.length > 0) {
    log('sweep: %d dead session(s), removed %d, failed %d', sessions.length, report.removed.length, report.failed.length);
  }
  return { sessions, removed: report.removed.length, failed: report.failed.length };
}
