/**
 * Who uses a reused container, and when it was last used — kept on the engine, as Engine API
 * objects only (no exec, no files on the host), so it works for images without a shell and for
 * remote engines, and every process on any machine sees the same record. Labels cannot change after
 * creation, so the record is made of small volumes (no image, no process, a few ms to create):
 *
 * - a **lease**: `berth-reuse-lease-<hash16>-<session>`, labelled with the reuse hash and the
 *   session's labels. It exists while the run does: the session's cleanup (end, reaper,
 *   dead-session sweep) removes it like anything else of the session. A lease of a live session is
 *   "what keeps" the container.
 * - a **last-use marker**: `berth-reuse-last-<hash16>`, no session label, re-created on every use
 *   and when a session holding a lease ends; its `dev.berth.created` label (its creation time) is the
 *   last use. Re-creating is remove + create: two processes doing it at once end with one marker
 *   dated either way, which is all the TTL needs.
 * - a **ready marker**: `berth-reuse-ready-<hash16>`, naming the container id its creator saw pass
 *   the wait strategy. Later runs that find it naming the container they inspected attach at once
 *   (state, image and ports are still checked on every attach); otherwise they run the wait strategy.
 */
import type { Engine } from '../engine/engine.js';
import { debug } from '../log.js';
import { BERTH_VERSION, Labels } from './labels.js';
import type { Session } from './session.js';

const log = debug('session');

export function leaseName(hash: string, session: string): string {
  return `berth-reuse-lease-${hash.slice(0, 16)}-${session}`;
}

export function lastUseName(hash: string): string {
  return `berth-reuse-last-${hash.slice(0, 16)}`;
}

/** Records that this session uses the reused resource `hash` (a lease and a fresh last-use marker). */
export async function markUse(engine: Engine, session: Pick<Session, 'id' | 'labels'>, hash: string): Promise<void> {
  await Promise.all([
    engine.createVolume({
      name: leaseName(hash, session.id),
      labels: { ...session.labels, [Labels.reuseLease]: hash, [Labels.created]: new Date().toISOString() },
    }),
    touchLastUse(engine, hash),
  ]);
}

/** Re-creates the last-use marker of `hash`, dated now. */
export async function touchLastUse(engine: Engine, hash: string): Promise<void> {
  const name = lastUseName(hash);
  await engine.removeVolume(name);
  await engine.createVolume({
    name,
    labels: { [Labels.reuseLastUse]: hash, [Labels.created]: new Date().toISOString(), [Labels.version]: BERTH_VERSION },
  });
}

/**
 * At the end of a session: the reused resources it leased were in use until now, so their last-use
 * markers are dated now before the leases go. Failures are logged, not thrown: the marker only
 * shortens the idle time, and the cleanup itself must go on.
 */
export async function touchLeasesOf(engine: Engine, leases: readonly { labels: Record<string, string> }[]): Promise<void> {
  const hashes = new Set(leases.map((l) => l.labels[Labels.reuseLease]).filter((h): h is string => Boolean(h)));
  const results = await Promise.allSettled([...hashes].map((hash) => touchLastUse(engine, hash)));
  for (const r of results) if (r.status === 'rejected') log('could not date the last use: %s', String(r.reason));
}

/**
 * Before a session's resources go: the reused containers it leased that stay were in use until now
 * (their last-use markers are dated now, touchLeasesOf). Those that go with the session, or are
 * already gone (a start cut off by Ctrl-C or a failed wait removes the container it was making),
 * are gone for good: their hashes are returned for forgetReused, and their leases date nothing.
 */
export async function settleReuseMarkers(
  engine: Engine,
  resources: readonly { kind: string; labels: Record<string, string> }[],
): Promise<Set<string>> {
  const leases = resources.filter((r) => r.kind === 'volume' && r.labels[Labels.reuseLease]);
  const removing = new Set(
    resources.flatMap((r) => (r.kind === 'container' && r.labels[Labels.reuse] ? [r.labels[Labels.reuse] as string] : [])),
  );
  const leased = new Set(leases.map((l) => l.labels[Labels.reuseLease] as string));
  const existing =
    leased.size === 0
      ? new Set<string>()
      : new Set((await engine.listContainers({ [Labels.reuse]: true })).map((c) => c.Labels?.[Labels.reuse]).filter(Boolean) as string[]);
  const gone = new Set([...removing, ...[...leased].filter((hash) => !existing.has(hash))]);
  await touchLeasesOf(
    engine,
    leases.filter((l) => !gone.has(l.labels[Labels.reuseLease] as string)),
  );
  return gone;
}

/** The last-use and ready markers of reused containers that are gone (they would wait for the TTL with nothing to mark). */
export async function forgetReused(engine: Engine, hashes: ReadonlySet<string>): Promise<void> {
  const results = await Promise.allSettled(
    [...hashes].flatMap((hash) => [engine.removeVolume(lastUseName(hash)), engine.removeVolume(readyName(hash))]),
  );
  for (const r of results) if (r.status === 'rejected') log('could not remove a reuse marker: %s', String(r.reason));
}

export function readyName(hash: string): string {
  return `berth-reuse-ready-${hash.slice(0, 16)}`;
}

/**
 * Records that the reused container `containerId` (identity `hash`) passed its wait strategy. One
 * marker per identity, naming the container it vouches for, so it can be read in the same round
 * trip as the container's inspect (by name) and a replaced container's marker never vouches for
 * its successor.
 */
export async function markReady(engine: Engine, hash: string, containerId: string): Promise<void> {
  const name = readyName(hash);
  await engine.removeVolume(name);
  await engine.createVolume({
    name,
    labels: {
      [Labels.reuseReady]: hash,
      [Labels.reuseReadyContainer]: containerId,
      [Labels.created]: new Date().toISOString(),
      [Labels.version]: BERTH_VERSION,
    },
  });
}

/** The container id the ready marker of `hash` vouches for, if any. */
export async function readyContainer(engine: Engine, hash: string): Promise<string | undefined> {
  return (await engine.inspectVolume(readyName(hash)))?.Labels?.[Labels.reuseReadyContainer];
}
