/**
 * Starting a reusable container: find the one with this identity, or make it — coordinated through
 * the engine only, so any number of processes (workers, parallel runs) end with one container.
 *
 * The container's name comes from its identity hash. Each attempt inspects that name:
 * - nothing there → create it. A 409 on create means another process just created it: look again.
 * - being made by another process (created, its deadline label not yet passed) → poll until it runs.
 * - usable (judged in reuse-state.ts) → run the spec's wait strategy against it and attach.
 * - unusable → remove it *by id* (never by name: that could hit the replacement another process just
 *   made) and look again.
 * The attaching or creating process records its use (session/reuse-markers.ts); the container has no
 * session label, so no session's cleanup removes it — the reuse TTL does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BerthConfig, config, scaledTimeout } from '../config.js';
import { type Engine, statusOf } from '../engine/engine.js';
import { ContainerStartError, InvalidSpecError } from '../errors.js';
import { ensureImage } from '../image/pull.js';
import { debug } from '../log.js';
import { BERTH_VERSION, Labels } from '../session/labels.js';
import { markUse } from '../session/reuse-markers.js';
import type { Session } from '../session/session.js';
import { packCopies } from './copy.js';
import { createBody } from './create-body.js';
import { StartedContainer } from './handle.js';
import type { LogHub } from './log-hub.js';
import { type DeclaredPort, reuseIdentity } from './reuse-identity.js';
import { judgeReused } from './reuse-state.js';
import type { ContainerSpec, ResolvedSpec, ReuseOutcome } from './spec.js';
import { makeReadiness } from './start.js';

const log = debug('container');
const POLL_MS = 100;
const MAX_ATTEMPTS = 6;

type Plan = ResolvedSpec & { portPlans: { pickFree: boolean; container: number; protocol: string; host: number }[] };

/** Whether this spec is reused in this run, and if not, why (for the run's first line). */
export function reuseWanted(
  spec: Pick<ContainerSpec, 'reuse' | 'reuseKey'>,
  cfg: BerthConfig = config(),
): { reuse: boolean; reason: string } {
  if (spec.reuse !== undefined && typeof spec.reuse !== 'boolean') {
    throw new InvalidSpecError(`expected \`reuse\` to be true or false, got ${JSON.stringify(spec.reuse)}`);
  }
  if (spec.reuseKey !== undefined && typeof spec.reuseKey !== 'string') {
    throw new InvalidSpecError(`expected \`reuseKey\` to be a string, got ${JSON.stringify(spec.reuseKey)}`);
  }
  if (spec.reuse === false) return { reuse: false, reason: 'reuse: false' };
  const asked = spec.reuse === true || cfg.reuse !== 'off';
  if (!asked) return { reuse: false, reason: 'reuse off' };
  if (cfg.ci && cfg.reuse !== 'force') return { reuse: false, reason: 'CI is set (BERTH_REUSE=force reuses anyway)' };
  return { reuse: true, reason: cfg.reuse === 'off' ? 'reuse: true' : `BERTH_REUSE=${cfg.reuse === 'force' ? 'force' : '1'}` };
}

export function reuseName(plan: Pick<ResolvedSpec, 'name'>, userNamed: boolean, hash: string): string {
  return userNamed ? `${plan.name}-${hash.slice(0, 12)}` : `berth-reuse-${hash.slice(0, 16)}`;
}

export interface ReuseContext {
  engine: Engine;
  session: Session;
  spec: ContainerSpec;
  plan: Plan;
  service: string | undefined;
  signal: AbortSignal | undefined;
  /** Reports progress to start()'s error context. */
  onPhase(phase: 'pull' | 'create' | 'copy' | 'start' | 'wait', containerId?: string): void;
  onHub(hub: LogHub): void;
}

export async function startReusable(ctx: ReuseContext): Promise<StartedContainer> {
  const { engine, plan, signal } = ctx;
  ctx.onPhase('pull');
  const { ref } = await ensureImage(engine, plan.image, {
    pullPolicy: plan.pullPolicy,
    ...(plan.platform ? { platform: plan.platform } : {}),
    ...(signal ? { signal } : {}),
  });
  const image = await engine.inspectImage(ref, signal);
  if (!image) throw new ContainerStartError(`image ${ref} vanished right after it was ensured`, { hint: 'is a prune running?' });
  const ports: DeclaredPort[] = plan.portPlans.map((p) => ({
    container: p.container,
    protocol: p.protocol,
    host: p.pickFree ? 'free' : p.host,
  }));
  const hash = await reuseIdentity({ spec: plan, ports, imageId: image.Id, reuseKey: ctx.spec.reuseKey });
  const name = reuseName(plan, ctx.spec.name !== undefined, hash);
  await markUse(engine, ctx.session, hash);

  const timeoutMs = scaledTimeout(plan.startupTimeoutMs, config());
  const deadline = performance.now() + timeoutMs;
  let why: string | undefined;
  let joined = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    signal?.throwIfAborted();
    const info = await engine.inspectContainer(name, signal);
    if (!info) {
      const outcome: ReuseOutcome = { hash, action: 'created', reason: why ?? 'none with this identity yet' };
      const resolved: ResolvedSpec = { ...plan, name, keep: true, reuse: outcome };
      const made = await createAndStart(ctx, resolved, ref, hash, Date.now() + timeoutMs, deadline);
      if (made) return made;
      joined = true; // 409: another process created it first
      continue;
    }
    const verdict = judgeReused(info, { hash, imageId: image.Id, ports }, Date.now());
    if (verdict.verdict === 'replace') {
      log('[%s] replacing reused %s: %s', info.Id.slice(0, 12), name, verdict.reason);
      why = `replaced: ${verdict.reason}`;
      await engine.removeContainer(info.Id, { volumes: true });
      continue;
    }
    if (verdict.verdict === 'wait') {
      // Another process is between create and start: give it until its own deadline.
      joined = true;
      attempt -= 1;
      await sleep(POLL_MS, undefined, signal ? { signal } : {});
      if (performance.now() > deadline) break;
      continue;
    }
    const outcome: ReuseOutcome = {
      hash,
      action: 'reused',
      reason: joined ? 'joined another process starting it' : `running since ${info.State.StartedAt.slice(0, 19)}Z`,
    };
    const resolved: ResolvedSpec = { ...plan, name, keep: true, reuse: outcome };
    ctx.onPhase('wait', info.Id);
    try {
      return await attach(ctx, resolved, ref, deadline);
    } catch (error) {
      if (signal?.aborted) throw error;
      // It never became ready for us: replace it rather than trust it.
      why = `replaced: not ready (${(error as Error).message.split('\n')[0]})`;
      await engine.removeContainer(info.Id, { volumes: true });
    }
  }
  throw new ContainerStartError(`could not create or reuse container ${name} (identity ${hash.slice(0, 16)})`, {
    hint: `${why ?? 'another process kept re-creating it'}; \`berth ls\` shows reused containers, \`berth prune --reuse\` removes them`,
  });
}

/** Creates, fills and starts the reused container; undefined when another process won the name. */
async function createAndStart(
  ctx: ReuseContext,
  plan: ResolvedSpec,
  ref: string,
  hash: string,
  deadlineEpochMs: number,
  deadline: number,
): Promise<StartedContainer | undefined> {
  const { engine, signal } = ctx;
  const labels = {
    [Labels.reuse]: hash,
    [Labels.reuseDeadline]: String(deadlineEpochMs),
    [Labels.created]: new Date().toISOString(),
    [Labels.version]: BERTH_VERSION,
    ...(ctx.service ? { [Labels.service]: ctx.service } : {}),
  };
  ctx.onPhase('create');
  let id: string;
  try {
    id = await engine.createContainer(createBody(plan, ref, labels), signal);
  } catch (error) {
    if (statusOf(error) === 409) return undefined;
    throw error;
  }
  ctx.onPhase('copy', id);
  try {
    if (plan.copy.length > 0) await engine.putArchive(id, '/', await packCopies(plan.copy), signal);
    for (const network of plan.networks.slice(1)) await engine.connectNetwork(network.name, id, network.aliases ?? []);
    ctx.onPhase('start', id);
    await engine.startContainer(id, signal);
    ctx.onPhase('wait', id);
    const container = await attach(ctx, plan, ref, deadline);
    log('[%s] created reusable %s', id.slice(0, 12), plan.name);
    return container;
  } catch (error) {
    // Half-made: remove it so the next process does not wait on it (start() adds the context).
    await engine.removeContainer(id, { volumes: true }).catch(() => undefined);
    throw error;
  }
}

async function attach(ctx: ReuseContext, plan: ResolvedSpec, ref: string, deadline: number): Promise<StartedContainer> {
  const readiness = makeReadiness(ctx.engine, plan, ref, deadline, ctx.onHub);
  const ready = await readiness(undefined, ctx.signal);
  return new StartedContainer(ctx.engine, plan, ref, ready.info, ready.ports, ready.logs, readiness);
}
