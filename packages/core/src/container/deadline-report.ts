/**
 * A start that ran out of time says where the time went and how busy the machine was, and which
 * BERTH_TIMEOUT_SCALE would give it room: "the 60 s budget went to wait 52.1 s, pull 6.0 s; load
 * average 15.1 on 2 cores, 14 containers running on the engine". The facts are gathered when the
 * deadline passes (gatherLoad); the wording is pure (deadlineReport), so it is unit-tested.
 */
import { availableParallelism, loadavg } from 'node:os';
import { config } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { type StartPhase, WaitTimeoutError } from '../errors.js';

/** Time spent in each phase of one start, in ms. */
export type PhaseTimes = Partial<Record<StartPhase, number>>;

export interface MachineLoad {
  /** One-minute load average. */
  load1: number;
  cores: number;
  /** Containers running on the engine, when it answered in time. */
  engineContainers?: number | undefined;
}

export interface DeadlineFacts extends MachineLoad {
  /** The start's budget after scaling, ms. */
  budgetMs: number;
  elapsedMs: number;
  phases: PhaseTimes;
  /** BERTH_TIMEOUT_SCALE in force. */
  scale: number;
}

export interface DeadlineReport {
  /** Appended to the error's summary. */
  line: string;
  /** What to do. */
  hint: string;
  suggestedScale: number;
}

/** The scale to suggest: at least twice the current one, more when the machine runs more than it has cores for. */
export function suggestScale(facts: Pick<DeadlineFacts, 'load1' | 'cores' | 'scale' | 'elapsedMs' | 'budgetMs'>): number {
  const pressure = facts.cores > 0 ? facts.load1 / facts.cores : 1;
  // The start needed more than the time it had (elapsed/budget is at least 1 at a deadline); a
  // machine running `pressure` times more than its cores gives each process about 1/pressure of one.
  // Overran by a timer's slack only: read to a tenth.
  const overrun = Math.round((facts.elapsedMs / Math.max(1, facts.budgetMs)) * 10) / 10;
  const needed = Math.max(2, Math.ceil(pressure), Math.ceil(2 * overrun));
  return roundScale(facts.scale * needed);
}

function roundScale(value: number): number {
  return value <= 10 ? Math.ceil(value) : Math.ceil(value / 5) * 5;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function deadlineReport(facts: DeadlineFacts): DeadlineReport {
  const spent = Object.entries(facts.phases)
    .filter(([, ms]) => (ms ?? 0) >= 1)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([phase, ms]) => `${phase} ${seconds(ms ?? 0)}`);
  const count = facts.engineContainers;
  const engine = count === undefined ? '' : `, ${count} container${count === 1 ? '' : 's'} running on the engine`;
  const load = `load average ${facts.load1.toFixed(1)} on ${facts.cores} core${facts.cores === 1 ? '' : 's'}${engine}`;
  const line = `the ${seconds(facts.budgetMs)} start budget went to ${spent.join(', ') || 'nothing measurable'}; ${load}`;
  const suggestedScale = suggestScale(facts);
  const busy = facts.load1 > facts.cores;
  const hint = busy
    ? `the machine is busy (${load}): BERTH_TIMEOUT_SCALE=${suggestedScale} gives every wait ${suggestedScale}× its time (now ${facts.scale}×)`
    : `the machine is not busy (${load}), so the service is more likely stuck than slow: the last error and log lines show on what; if it is only slow, BERTH_TIMEOUT_SCALE=${suggestedScale} gives every wait ${suggestedScale}× its time (now ${facts.scale}×)`;
  return { line, hint, suggestedScale };
}

/** The machine's load and the engine's running containers (the latter given up on after `engineMs`). */
export async function gatherLoad(engine: Engine | undefined, engineMs = 2_000): Promise<MachineLoad> {
  const [load1 = 0] = loadavg();
  const cores = availableParallelism();
  if (!engine) return { load1, cores };
  const signal = AbortSignal.timeout(engineMs);
  const count = await Promise.race([
    engine.listContainers({}, false).then(
      (list) => list.length,
      () => undefined,
    ),
    new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true })),
  ]);
  return { load1, cores, engineContainers: count };
}

export interface StartClock {
  /** performance.now() when the start began, and when its budget ended. */
  began: number;
  deadline: number;
  phases: PhaseTimes;
  engine: Engine | undefined;
}

/**
 * The start's WaitTimeoutError, told where the time went and how loaded the machine was. The
 * suggestion also lands in `details.timeoutHint`, so a module that puts its own hint on the error
 * (modules/explain-timeout.ts) keeps it.
 */
export async function explainDeadline(error: WaitTimeoutError, clock: StartClock): Promise<WaitTimeoutError> {
  const load = await gatherLoad(clock.engine);
  const report = deadlineReport({
    ...load,
    budgetMs: clock.deadline - clock.began,
    elapsedMs: performance.now() - clock.began,
    phases: clock.phases,
    scale: config().timeoutScale,
  });
  const phaseMs = Object.fromEntries(Object.entries(clock.phases).map(([phase, ms]) => [phase, Math.round(ms ?? 0)]));
  const explained = new WaitTimeoutError(`${error.summary}; ${report.line}`, {
    cause: error.cause,
    details: {
      ...error.details,
      phaseMs,
      loadAverage: load.load1,
      cores: load.cores,
      ...(load.engineContainers === undefined ? {} : { engineContainers: load.engineContainers }),
      suggestedScale: report.suggestedScale,
      timeoutHint: report.hint,
    },
    hint: report.hint,
  });
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  explained.stack = [`${explained.name}: ${explained.message}`, ...frames].join('\n');
  return explained;
}
