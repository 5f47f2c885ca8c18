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
import { type ContainerInspect, type Engine, statusOf } from '../engine/engine.js';
import { ContainerStartError, InvalidSpecError } from '../errors.js';
import { ensureImage, resolveImage } from '../image/pull.js';
import { pullReference } from '../image/reference.js';
import { debug } from '../log.js';
import { BERTH_VERSION, Labels } from '../session/labels.js';
import { markReady, markUse, readyContainer, readyName } from '../session/reuse-markers.js';
import type { Session } from '../session/session.js';
import { packCopies } from './copy.js';
import { createBody } from './create-body.js';
import { StartedContainer } from './handle.js';
import { LogHub } from './log-hub.js';
import { readPorts } from './ports.js';
import { type DeclaredPort, reuseIdentity } from './reuse-identity.js';
import { judgeReused } from './reuse-state.js';
import type { ContainerSpec, ResolvedSpec, ReuseOutcome } from './spec.js';
import { engineTimestamp, makeReadiness } from './start.js';

const log = debug('container');
const POLL_MS = 100;
const MAX_ATTEMPTS = 6;

type Plan = ResolvedSpec & { portPlans: { pickFree: boolean; container: number; protocol: string; host: number }[] };

/**
 * Whether this start is reused, and if not, why (for the run's first line). The spec's `reuse` wins;
 * otherwise BERTH_REUSE applies to a run's declared services (starts that name a `service`, as the
 * modules do for the adapters), not to containers a test starts for itself.
 */
export function reuseWanted(
  spec: Pick<ContainerSpec, 'reuse' | 'reuseKey'>,
  cfg: BerthConfig = config(),
  options: { service?: string | undefined } = {},
): { reuse: boolean; reason: string } {
  if (spec.reuse !== undefined && typeof spec.reuse !== 'boolean') {
    throw new InvalidSpecError(`expected \`reuse\` to be true or false, got ${JSON.stringify(spec.reuse)}`);
  }
  if (spec.reuseKey !== undefined && typeof spec.reuseKey !== 'string') {
    throw new InvalidSpecError(`expected \`reuseKey\` to be a string, got ${JSON.stringify(spec.reuseKey)}`);
  }
  if (spec.reuse === false) return { reuse: false, reason: 'reuse: false' };
  const asked = spec.reuse === true || (cfg.reuse !== 'off' && options.service !== undefined);
  if (!asked) return { reuse: false, reason: 'reuse off' };
  if (cfg.ci && cfg.reuse !== 'force') return { reuse: false, reason: 'CI is set (BERTH_REUSE=force reuses anyway)' };
  return { reuse: true, reason: spec.reuse === true ? 'reuse: true' : `BERTH_REUSE=${cfg.reuse === 'force' ? 'force' : '1'}` };
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
  /** Told what readiness waits for, for the run's timeline. */
  onStrategy?(description: string): void;
  /**
   * Reuse only a container with one of these identities (those `berth up` keeps), else return
   * undefined before touching anything: the caller then starts a fresh container as usual.
   */
  only?: ReadonlySet<string>;
}

export async function startReusable(ctx: ReuseContext): Promise<StartedContainer | undefined> {
  const { engine, plan, signal } = ctx;
  ctx.onPhase('pull');
  // The image id is part of the identity. With the default policy one inspect usually answers both
  // "is it here?" and "which id?"; otherwise (or when missing) the image layer ensures it first.
  let ref = pullReference(resolveImage(plan.image));
  let image = plan.pullPolicy === 'missing' && !plan.platform ? await engine.inspectImage(ref, signal) : undefined;
  if (!image) {
    ({ ref } = await ensureImage(engine, plan.image, {
      pullPolicy: plan.pullPolicy,
      ...(plan.platform ? { platform: plan.platform } : {}),
      ...(signal ? { signal } : {}),
    }));
    image = await engine.inspectImage(ref, signal);
  }
  if (!image) throw new ContainerStartError(`image ${ref} vanished right after it was ensured`, { hint: 'is a prune running?' });
  const ports: DeclaredPort[] = plan.portPlans.map((p) => ({
    container: p.container,
    protocol: p.protocol,
    host: p.pickFree ? 'free' : p.host,
  }));
  const hash = await reuseIdentity({ spec: plan, ports, imageId: image.Id, reuseKey: ctx.spec.reuseKey });
  if (ctx.only && !ctx.only.has(hash)) return undefined;
  const name = reuseName(plan, ctx.spec.name !== undefined, hash);
  // Recorded alongside the attach (awaited before returning): the use counts from now either way.
  const used = markUse(engine, ctx.session, hash);
  used.catch(() => undefined);
  const container = await findOrCreate(ctx, { hash, name, ref, imageId: image.Id, ports });
  await used;
  return container;
}

async function findOrCreate(
  ctx: ReuseContext,
  { hash, name, ref, imageId, ports }: { hash: string; name: string; ref: string; imageId: string; ports: DeclaredPort[] },
): Promise<StartedContainer> {
  const { engine, plan, signal } = ctx;

  const timeoutMs = scaledTimeout(plan.startupTimeoutMs, config());
  const deadline = performance.now() + timeoutMs;
  let why: string | undefined;
  let joined = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    signal?.throwIfAborted();
    // The container and its ready marker in one round trip.
    const [info, vouched] = await Promise.all([engine.inspectContainer(name, signal), readyContainer(engine, hash)]);
    if (!info) {
      const outcome: ReuseOutcome = { hash, action: 'created', reason: why ?? 'none with this identity yet' };
      const resolved: ResolvedSpec = { ...plan, name, keep: true, reuse: outcome };
      const made = await createAndStart(ctx, resolved, ref, hash, Date.now() + timeoutMs, deadline);
      if (made) return made;
      joined = true; // 409: another process created it first
      continue;
    }
    const verdict = judgeReused(info, { hash, imageId, ports }, Date.now());
    if (verdict.verdict === 'replace') {
      log('[%s] replacing reused %s: %s', info.Id.slice(0, 12), name, verdict.reason);
      why = `replaced: ${verdict.reason}`;
      await replace(engine, info.Id, hash);
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
      reason: `${ctx.only ? 'kept by berth up, ' : ''}${joined ? 'joined another process starting it' : `running since ${info.State.StartedAt.slice(0, 19)}Z`}`,
    };
    const resolved: ResolvedSpec = { ...plan, name, keep: true, reuse: outcome };
    ctx.onPhase('wait', info.Id);
    // Its creator saw it ready and it still runs with its image and ports: attach at once.
    if (vouched === info.Id) return attachReady(ctx, resolved, ref, info, deadline);
    try {
      const container = await attach(ctx, resolved, ref, deadline);
      await markReady(engine, hash, info.Id);
      return container;
    } catch (error) {
      if (signal?.aborted) throw error;
      // It never became ready for us: replace it rather than trust it.
      why = `replaced: not ready (${(error as Error).message.split('\n')[0]})`;
      await replace(engine, info.Id, hash);
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
    for (const network of plan.networks.slice(1))
      await engine.connectNetwork(network.name, id, network.aliases ?? [], {
        ...(network.ipv4Address ? { ipv4: network.ipv4Address } : {}),
        ...(network.ipv6Address ? { ipv6: network.ipv6Address } : {}),
      });
    ctx.onPhase('start', id);
    await engine.startContainer(id, signal);
    ctx.onPhase('wait', id);
    const container = await attach(ctx, plan, ref, deadline);
    await markReady(engine, hash, id);
    log('[%s] created reusable %s', id.slice(0, 12), plan.name);
    return container;
  } catch (error) {
    // Half-made: remove it so the next process does not wait on it (start() adds the context).
    await replace(engine, id, hash).catch(() => undefined);
    throw error;
  }
}

async function attach(ctx: ReuseContext, plan: ResolvedSpec, ref: string, deadline: number): Promise<StartedContainer> {
  const readiness = makeReadiness(ctx.engine, plan, ref, deadline, ctx.onHub, false, ctx.onStrategy);
  const ready = await readiness(undefined, ctx.signal);
  return new StartedContainer(ctx.engine, plan, ref, ready.info, ready.ports, ready.logs, readiness);
}

/** Attaches to a container found ready: no wait strategy; logs followed from now if someone listens. */
async function attachReady(ctx: ReuseContext, plan: ResolvedSpec, ref: string, info: ContainerInspect, deadline: number) {
  const hub = new LogHub(plan.logConsumer);
  ctx.onHub(hub);
  if (plan.logConsumer) {
    const since = engineTimestamp(new Date().toISOString());
    hub.attach(
      await ctx.engine.logs(info.Id, {
        follow: true,
        tty: false,
        ...(since ? { since } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
    );
  }
  hub.settle();
  const readiness = makeReadiness(ctx.engine, plan, ref, deadline, ctx.onHub, true, ctx.onStrategy);
  return new StartedContainer(ctx.engine, plan, ref, info, readPorts(info, ctx.engine.portHost), hub, readiness);
}

/** Removes a reused container by id (never by name), and its ready marker if it vouches for it. */
async function replace(engine: Engine, id: string, hash: string): Promise<void> {
  await engine.removeContainer(id, { volumes: true });
  if ((await readyContainer(engine, hash)) === id) await engine.removeVolume(readyName(hash));
}
