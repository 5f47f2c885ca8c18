/**
 * One session per run. The first process that needs one (or that an adapter tells to, through
 * `createSession`) becomes its owner: it picks the id, writes BERTH_SESSION_ID / _OWNER_PID /
 * _OWNER_START into `process.env` so worker processes and threads inherit it, spawns the reaper,
 * installs cooperative signal handlers and starts a background sweep of dead sessions. Processes
 * that inherit the id join: what they create carries the same labels and belongs to the run, and
 * they spawn no reaper of their own.
 *
 * The state below is per process by nature (it mirrors process.env); nothing outside this file
 * reaches into it.
 */
import { hostname } from 'node:os';
import { config, resetConfig, scaledTimeout } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { type EngineOptions, getEngine } from '../engine/index.js';
import { CleanupError, RunStoppingError } from '../errors.js';
import { debug } from '../log.js';
import { type RemovalReport, removeSession } from './cleanup.js';
import { newSessionId } from './id.js';
import { BERTH_VERSION, Labels } from './labels.js';
import { pidAlive, procStartTime } from './owner.js';
import { type ReaperHandle, spawnReaper } from './reaper.js';
import { sweepReused } from './reuse-sweep.js';
import { installSignalCleanup, type RemovedCounts } from './signals.js';
import { sweepDeadSessions } from './sweep.js';

const log = debug('session');
const SIGNAL_CLEANUP_TIMEOUT_MS = 10_000;
const SWEEP_DELAY_MS = 1_000;

export interface Session {
  /** The run's id, shared with worker processes through BERTH_SESSION_ID. */
  readonly id: string;
  /** True in the process that created the session (and spawned its reaper). */
  readonly owner: boolean;
  /** Labels every resource of this session carries (session, owner pid/host/start, version). */
  readonly labels: Readonly<Record<string, string>>;
}

interface Active {
  session: Session;
  /** Engines the session has resources on, by endpoint. */
  engines: Map<string, Engine>;
  reaper: ReaperHandle | undefined;
  uninstallSignals: (() => void) | undefined;
}

let pending: Promise<Active> | undefined;
/** The removal under way (endSession, or a signal's cleanup); a second endSession waits for it. */
let ending: Promise<RemovedCounts | undefined> | undefined;
let swept = false;
/** Aborted when the owner stops on a signal: starts under way give up and remove what they made. */
let stopping = new AbortController();
/** Starts under way in this process (see trackStart). */
const starts = new Set<Promise<unknown>>();

/**
 * `signal` joined with the owner's stop: a SIGINT/SIGTERM aborts every start under way, so none
 * creates a container after the cleanup listed the session's (and none opens a new session).
 */
export function withStopping(signal: AbortSignal | undefined): AbortSignal {
  return signal ? AbortSignal.any([signal, stopping.signal]) : stopping.signal;
}

/** Counts a start as under way until it settles: a signal's cleanup waits for it before removing. */
export function trackStart<T>(work: Promise<T>): Promise<T> {
  starts.add(work);
  const forget = () => {
    starts.delete(work);
  };
  work.then(forget, forget);
  return work;
}

/** Called on the owner's signal before anything is removed: aborts the starts under way. */
function beginStopping(signal: NodeJS.Signals): void {
  stopping.abort(
    new RunStoppingError(`the run is stopping (${signal}): berth is removing its containers`, {
      hint: 'nothing to fix: the run was interrupted',
      details: { signal },
    }),
  );
}

/** Creates the process's session on first call (or joins the inherited one); later calls share it. */
export async function ensureSession(engine: Engine): Promise<Session> {
  pending ??= open(engine, false);
  const attempt = pending;
  const active = await settle(attempt);
  register(active, engine);
  return active.session;
}

/**
 * Makes this process the owner of a session (for adapters, in the runner's main process). If it
 * already owns one, that one is returned; an inherited session is not joined but replaced, so a
 * nested run gets its own.
 */
export async function createSession(options: EngineOptions = {}): Promise<Session> {
  const engine = await getEngine(options);
  if (pending) {
    const current = await pending.catch(() => undefined);
    if (current?.session.owner) {
      register(current, engine);
      return current.session;
    }
  }
  const attempt = open(engine, true);
  pending = attempt;
  const active = await settle(attempt);
  register(active, engine);
  return active.session;
}

/** The session this process belongs to, if one was created or joined and has not ended. */
export async function currentSession(): Promise<Session | undefined> {
  return (await pending?.catch(() => undefined))?.session;
}

/**
 * Ends the session: in the owner, removes everything labelled with it on every engine it used
 * (containers, networks, volumes, remove-at-end images), removes the signal handlers and lets the
 * reaper go. In a joined process it only forgets the session: the run's owner ends it. Idempotent;
 * throws one CleanupError with every failure.
 */
export async function endSession(): Promise<void> {
  await finishSession();
}

/**
 * The end of a test run (the runner adapters' teardown): the session's containers are killed and
 * removed here, at once and in parallel, and what is slow to remove and holds nothing a test could
 * still see (networks, volumes, remove-at-end images) is handed to the reaper, whose last pass on
 * release removes it in its own process after the runner has exited. Without a reaper
 * (BERTH_REAPER=off), or in a process that does not own the session, it is endSession.
 */
export async function endRunSession(): Promise<void> {
  const attempt = pending;
  const active = await attempt?.catch(() => undefined);
  if (!attempt || !active?.session.owner || !active.reaper) return endSession();
  pending = undefined;
  const removal = handOff(active);
  ending = removal.then(() => undefined);
  try {
    await removal;
  } finally {
    ending = undefined;
  }
}

async function handOff(active: Active): Promise<void> {
  forgetEnv(active.session);
  active.uninstallSignals?.();
  try {
    const results = await Promise.allSettled(
      [...active.engines.values()].map(async (engine) => {
        const [containers, markers] = await Promise.all([
          engine.listContainers({ [Labels.session]: active.session.id }),
          engine.listVolumes({ [Labels.session]: active.session.id, [Labels.keptSlices]: true }),
        ]);
        // Containers holding kept slices stay (session/kept.ts); the reaper's pass spares them too.
        const kept = new Set(markers.map((m) => m.Labels?.[Labels.keptContainer]));
        const going = containers.filter((c) => !kept.has((c.Names?.[0] ?? '').replace(/^\//, '')));
        await Promise.all(going.map((c) => engine.removeContainer(c.Id, { volumes: true })));
      }),
    );
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // The reaper's pass retries whatever failed here; the caller still hears of it.
    if (errors.length > 0) throw new CleanupError(`removing the containers of session ${active.session.id} failed`, errors);
  } finally {
    log('session %s: containers removed; the reaper removes the rest', active.session.id);
    active.reaper?.release();
  }
}

/**
 * endSession, returning what was removed (for the line printed on a signal). A call while another
 * is removing (a script's `finally { await endSession() }` running while a signal's cleanup does)
 * waits for that removal instead of returning at once: the script's next step may end the process.
 */
async function finishSession(): Promise<RemovedCounts | undefined> {
  const attempt = pending;
  if (!attempt) return ending;
  pending = undefined;
  const removal = finishActive(attempt);
  ending = removal;
  try {
    return await removal;
  } finally {
    if (ending === removal) ending = undefined;
  }
}

async function finishActive(attempt: Promise<Active>): Promise<RemovedCounts | undefined> {
  const active = await attempt.catch(() => undefined);
  if (!active) return;
  if (!active.session.owner) {
    log('leaving joined session %s', active.session.id);
    return;
  }
  forgetEnv(active.session);
  active.uninstallSignals?.();
  try {
    // Stopping on a signal: the starts under way were aborted and each removes what it made; the
    // list is taken after they have (nothing is created behind it) and the process ends after it.
    // What they removed still counts in the closing line.
    if (!stopping.signal.aborted || starts.size === 0) return await removeEverywhere(active);
    const before = await containersOf(active);
    await Promise.allSettled([...starts]);
    const counts = await removeEverywhere(active);
    const after = await containersOf(active);
    const removedByStarts = [...before].filter((id) => !after.has(id)).length;
    return { ...counts, container: Math.max(counts.container ?? 0, removedByStarts) };
  } finally {
    active.reaper?.release();
  }
}

async function settle(attempt: Promise<Active>): Promise<Active> {
  try {
    return await attempt;
  } catch (error) {
    if (pending === attempt) pending = undefined;
    throw error;
  }
}

async function open(engine: Engine, forceOwn: boolean): Promise<Active> {
  const cfg = config();
  if (!forceOwn && cfg.sessionId) {
    const ownerPid = cfg.sessionOwnerPid;
    if (ownerPid === undefined || ownerPid === process.pid || pidAlive(ownerPid)) {
      return join(cfg.sessionId, ownerPid, cfg.sessionOwnerStart);
    }
    log('inherited session %s has a dead owner (pid %d); starting a new one', cfg.sessionId, ownerPid);
  }
  return own(engine);
}

function join(id: string, ownerPid: number | undefined, ownerStart: string | undefined): Active {
  const labels: Record<string, string> = { [Labels.session]: id, [Labels.version]: BERTH_VERSION };
  if (ownerPid !== undefined) {
    labels[Labels.ownerPid] = String(ownerPid);
    labels[Labels.ownerHost] = hostname();
    const start = ownerStart ?? procStartTime(ownerPid);
    if (start) labels[Labels.ownerStart] = start;
  }
  labels[Labels.created] = new Date().toISOString();
  log('joined session %s (owner pid %s)', id, ownerPid ?? 'unknown');
  return { session: { id, owner: false, labels }, engines: new Map(), reaper: undefined, uninstallSignals: undefined };
}

function own(engine: Engine): Active {
  const cfg = config();
  const id = newSessionId();
  const start = procStartTime('self');
  const labels: Record<string, string> = {
    [Labels.session]: id,
    [Labels.ownerPid]: String(process.pid),
    [Labels.ownerHost]: hostname(),
    ...(start ? { [Labels.ownerStart]: start } : {}),
    [Labels.created]: new Date().toISOString(),
    [Labels.version]: BERTH_VERSION,
  };
  process.env.BERTH_SESSION_ID = id;
  process.env.BERTH_SESSION_OWNER_PID = String(process.pid);
  if (start) process.env.BERTH_SESSION_OWNER_START = start;
  else delete process.env.BERTH_SESSION_OWNER_START;
  resetConfig();

  const session: Session = { id, owner: true, labels };
  const reaper = cfg.reaperEnabled ? spawnReaper({ session: id, endpoint: engine.facts.endpoint, logFile: cfg.reaperLog }) : undefined;
  if (!cfg.reaperEnabled) log('BERTH_REAPER=off: a killed owner leaves session %s to `berth prune`', id);
  const active: Active = { session, engines: new Map([[engine.facts.endpoint.display, engine]]), reaper, uninstallSignals: undefined };
  active.uninstallSignals = installSignalCleanup(
    async (signal) => {
      beginStopping(signal);
      try {
        // A script's own endSession (in its `finally`) may have begun the removal already.
        return await (pending ? finishSession() : ending);
      } finally {
        // A process that goes on (its own signal handler owns the exit) may start again.
        stopping = new AbortController();
      }
    },
    { timeoutMs: scaledTimeout(SIGNAL_CLEANUP_TIMEOUT_MS) },
  );
  log('created session %s (owner pid %d, reaper %s)', id, process.pid, reaper?.pid ?? 'none');
  if (!swept) {
    swept = true;
    // In the background and a moment later: only dead sessions' resources are touched, nothing of
    // ours waits for it, and its list calls stay out of the way of the run's first container start.
    // Unref'd: a process that ends sooner leaves the sweep to the next session.
    setTimeout(() => {
      sweepDeadSessions(engine, undefined, cfg.reuseTtlMs)
        .then(() => sweepReused(engine, { ttlMs: cfg.reuseTtlMs }))
        .catch((error: unknown) => log('sweep failed: %s', (error as Error).message));
    }, SWEEP_DELAY_MS).unref();
  }
  return active;
}

function register(active: Active, engine: Engine): void {
  const key = engine.facts.endpoint.display;
  if (active.engines.has(key)) return;
  active.engines.set(key, engine);
  active.reaper?.watch(engine.facts.endpoint);
}

function forgetEnv(session: Session): void {
  if (process.env.BERTH_SESSION_ID !== session.id) return;
  delete process.env.BERTH_SESSION_ID;
  delete process.env.BERTH_SESSION_OWNER_PID;
  delete process.env.BERTH_SESSION_OWNER_START;
  resetConfig();
}

/** Ids of the session's containers on every engine it used (empty where listing fails). */
async function containersOf(active: Active): Promise<Set<string>> {
  const lists = await Promise.all(
    [...active.engines.values()].map((engine) => engine.listContainers({ [Labels.session]: active.session.id }).catch(() => [])),
  );
  return new Set(lists.flat().map((c) => c.Id));
}

async function removeEverywhere(active: Active): Promise<RemovedCounts> {
  const results = await Promise.allSettled([...active.engines.values()].map((engine) => removeSession(engine, active.session.id)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const counts: RemovedCounts = {};
  for (const result of results) {
    if (result.status !== 'fulfilled') continue;
    for (const resource of (result.value as RemovalReport).removed) counts[resource.kind] = (counts[resource.kind] ?? 0) + 1;
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new CleanupError(`cleaning up session ${active.session.id} failed on ${errors.length} engines`, errors);
  }
  return counts;
}
