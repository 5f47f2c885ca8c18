/**
 * From a spec to a ready container: validate → discover → pull → create → copy → start → wait.
 * Any failure after create removes the half-started container before the error reaches the caller,
 * and the error says which phase failed, after how long, with the container's last log lines.
 */
import { config, scaledTimeout } from '../config.js';
import type { ContainerInspect, Engine } from '../engine/engine.js';
import { getEngine } from '../engine/index.js';
import {
  AbortError,
  ContainerStartError,
  type ErrorDetails,
  ImageNotFoundError,
  type StartPhase,
  throwIfAborted,
  WaitTimeoutError,
  withDetails,
} from '../errors.js';
import { ensureImage, resolveImage } from '../image/pull.js';
import { pullReference } from '../image/reference.js';
import { debug } from '../log.js';
import { Labels } from '../session/labels.js';
import { ensureSession, trackStart, withStopping } from '../session/session.js';
import { listUpMarkers } from '../session/up-markers.js';
import { currentTrack, recorder, type SpanArgs, serviceTrack } from '../trace/recorder.js';
import { defaultWaitStrategy } from '../wait/default.js';
import { runWait } from '../wait/run.js';
import { packCopies } from './copy.js';
import { createBody } from './create-body.js';
import { explainDeadline, type PhaseTimes } from './deadline-report.js';
import { StartedContainer } from './handle.js';
import { LogHub } from './log-hub.js';
import { readPorts } from './ports.js';
import { reuseWanted, startReusable } from './reuse.js';
import type { ContainerSpec, ResolvedSpec, StartOptions } from './spec.js';
import { validateSpec } from './validate.js';
import { ContainerWaitTarget } from './wait-target.js';

const log = debug('container');

/** Starts a container from a spec and resolves once it is ready. The spec is never mutated. */
export function start(spec: ContainerSpec, options: StartOptions = {}): Promise<StartedContainer> {
  return trackStart(startOnce(spec, options));
}

async function startOnce(spec: ContainerSpec, options: StartOptions): Promise<StartedContainer> {
  const began = performance.now();
  const { service } = options;
  // A SIGINT/SIGTERM in the session's owner aborts the start as the caller's own signal would.
  const signal = withStopping(options.signal);
  let phase: StartPhase = 'validate';
  // Where the time goes, phase by phase, for the error when the deadline passes.
  const phaseMs: PhaseTimes = {};
  let phaseBegan = began;
  // The same phases as spans of the run's timeline, on the service's track when a service starts it.
  const track = currentTrack() !== 'run' || !service ? currentTrack() : serviceTrack(service);
  const phaseArgs: SpanArgs = {};
  let phaseSpan = recorder().begin(phase, 'container', undefined, track);
  let spansDone = false;
  const enter = (next: StartPhase) => {
    const now = performance.now();
    phaseMs[phase] = (phaseMs[phase] ?? 0) + (now - phaseBegan);
    phaseBegan = now;
    if (!spansDone && next !== phase) {
      phaseSpan.end(phaseArgs);
      phaseSpan = recorder().begin(next, 'container', resolved ? { container: resolved.name } : undefined, track);
    }
    phase = next;
  };
  const onStrategy = (description: string) => {
    phaseArgs.strategy = description;
  };
  let deadline: number | undefined;
  let containerId: string | undefined;
  /** A reused container in the error context; never removed by this start's failure path. */
  let reusedId: string | undefined;
  let resolved: ReturnType<typeof validateSpec> | undefined;
  let engine: Engine | undefined;
  let hub: LogHub | undefined;
  const context = (): ErrorDetails => ({
    ...(service ? { service } : {}),
    image: resolved?.image ?? spec?.image,
    ...((containerId ?? reusedId) ? { containerId: containerId ?? reusedId } : {}),
    phase,
    elapsedMs: performance.now() - began,
    ...(hub ? { logTail: hub.tail() } : {}),
  });

  try {
    throwIfAborted(signal, 'start');
    resolved = validateSpec(spec);
    const plan = resolved;
    // A declared service that `berth up` keeps is adopted whatever the run's reuse setting: the
    // developer asked for it explicitly. Its identity must still match (checked in startReusable).
    let only: ReadonlySet<string> | undefined;
    const wanted = reuseWanted(spec, config(), { service }).reuse;
    if (!wanted && service !== undefined && spec.reuse !== false) {
      enter('discover');
      engine = await getEngine();
      const kept = await listUpMarkers(engine, { service });
      if (kept.length > 0) only = new Set(kept.map((m) => m.hash));
    }
    if (wanted || only) {
      enter('discover');
      engine ??= await getEngine();
      const reused = await startReusable({
        engine,
        session: await ensureSession(engine),
        spec,
        plan,
        service,
        signal,
        onPhase: (next, id) => {
          enter(next);
          reusedId = id ?? reusedId;
        },
        onHub: (h) => {
          hub = h;
        },
        onStrategy,
        ...(only ? { only } : {}),
      });
      if (reused) {
        spansDone = true;
        phaseSpan.end(phaseArgs);
        return reused;
      }
      reusedId = undefined;
      hub = undefined;
    }
    await pickFreePorts(plan);

    enter('discover');
    engine = await getEngine();
    throwIfAborted(signal, 'start');
    const session = await ensureSession(engine);

    const labels = { ...session.labels, [Labels.created]: new Date().toISOString(), ...(service ? { [Labels.service]: service } : {}) };
    const startDeadline = began + scaledTimeout(plan.startupTimeoutMs, config());
    deadline = startDeadline;
    const pull = async () => {
      enter('pull');
      const image = await ensureImage(engine as Engine, plan.image, {
        pullPolicy: plan.pullPolicy,
        ...(plan.platform ? { platform: plan.platform } : {}),
        ...(signal ? { signal } : {}),
      });
      enter('create');
      return image.ref;
    };
    // An aborted create removes what it made (the engine layer waits for the create's answer).
    const create = (ref: string) => (engine as Engine).createContainer(createBody(plan, ref, labels), signal);
    // With the default policy the image is usually present: create straight away and pull only when
    // the engine says the image is missing (one round trip less than inspecting first, like the
    // docker CLI). A platform request always goes through the image layer, which checks it.
    let imageRef: string;
    if (plan.pullPolicy === 'missing' && !plan.platform) {
      imageRef = pullReference(resolveImage(plan.image));
      enter('create');
      try {
        containerId = await create(imageRef);
      } catch (error) {
        if (!(error instanceof ImageNotFoundError)) throw error;
        imageRef = await pull();
        containerId = await create(imageRef);
      }
    } else {
      imageRef = await pull();
      containerId = await create(imageRef);
    }
    const image = { ref: imageRef };
    const id = containerId;
    log('[%s] created %s from %s', id.slice(0, 12), plan.name, image.ref);

    if (plan.copy.length > 0) {
      enter('copy');
      await engine.putArchive(id, '/', await packCopies(plan.copy), signal);
    }
    for (const network of plan.networks.slice(1))
      await engine.connectNetwork(network.name, id, network.aliases ?? [], {
        ...(network.ipv4Address ? { ipv4: network.ipv4Address } : {}),
        ...(network.ipv6Address ? { ipv6: network.ipv6Address } : {}),
      });

    enter('start');
    await engine.startContainer(id, signal);

    enter('wait');
    const readiness = makeReadiness(
      engine,
      plan,
      image.ref,
      startDeadline,
      (h) => {
        hub = h;
      },
      false,
      onStrategy,
    );
    const ready = await readiness(undefined, signal);
    spansDone = true;
    phaseSpan.end(phaseArgs);
    const container = new StartedContainer(engine, plan, image.ref, ready.info, ready.ports, ready.logs, readiness);
    log('[%s] ready in %d ms', id.slice(0, 12), Math.round(performance.now() - began));
    return container;
  } catch (caught) {
    spansDone = true;
    phaseSpan.end({ ...phaseArgs, failed: true });
    const details = context();
    enter(phase);
    hub?.close();
    const error =
      caught instanceof WaitTimeoutError && deadline !== undefined
        ? await explainDeadline(caught, { began, deadline, phases: phaseMs, engine })
        : caught;
    if (containerId && engine) await engine.removeContainer(containerId).catch(() => undefined);
    if (signal?.aborted && !(error instanceof AbortError)) {
      throw new AbortError(`start of ${details.image} was aborted`, { cause: signal.reason ?? error, details });
    }
    throw withDetails(
      error,
      details,
      (message, opts) =>
        new ContainerStartError(`container failed during ${phase}: ${message}`, {
          ...opts,
          hint: hintFor(phase, message),
        }),
    );
  }
}

/**
 * Readiness for a start or a restart: follow logs since the container's (re)start, build the wait
 * target, run the strategy (fail fast on exit), then settle the log hub.
 */
export function makeReadiness(
  engine: Engine,
  spec: ResolvedSpec,
  image: string,
  firstDeadline: number,
  onHub: (hub: LogHub) => void,
  /** The container was found ready (a reused one): the first call is then already a restart. */
  alreadyStarted = false,
  /** Told what readiness waits for (the strategy's description), before the wait begins. */
  onStrategy?: (description: string) => void,
) {
  let first = !alreadyStarted;
  return async (_container: StartedContainer | undefined, signal: AbortSignal | undefined) => {
    // A restart gets a fresh budget of the same length, counted from the restart.
    const deadline = first ? firstDeadline : performance.now() + scaledTimeout(spec.startupTimeoutMs, config());
    const hub = new LogHub(spec.logConsumer);
    onHub(hub);
    // Which log lines belong to this run. On a first start: all of them (a `since` of StartedAt would
    // drop lines printed at once, whose timestamps can precede it), so the stream opens alongside the
    // inspect (berth never allocates a TTY, so the stream is multiplexed). After a restart: those after
    // the previous run finished — or, when the new run has already exited too (FinishedAt is then its
    // own), those from a second before its start.
    const follow = (since: string | undefined) =>
      engine.logs(spec.name, { follow: true, tty: false, ...(since ? { since } : {}), ...(signal ? { signal } : {}) });
    let info: ContainerInspect;
    if (first) {
      // The stream opens alongside the inspect and is not waited for: an engine may hold a follow's
      // response until the container prints (Podman 4), and a silent container must still become
      // ready. A failed inspect closes the hub, and with it a stream that opens later.
      hub.attachPending(follow(undefined));
      info = await mustInspect(engine, spec);
    } else {
      info = await mustInspect(engine, spec);
      const since = info.State.Running
        ? engineTimestamp(info.State.FinishedAt)
        : engineTimestamp(new Date(Date.parse(info.State.StartedAt) - 1000).toISOString());
      hub.attachPending(follow(since));
    }
    first = false;
    const ports = readPorts(info, engine.portHost);
    const target = new ContainerWaitTarget(engine, info, ports, hub, image);
    const hasHealthcheck =
      Boolean((info.Config as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test?.length) &&
      info.Config.Healthcheck?.Test?.[0] !== 'NONE';
    const strategy =
      spec.wait ?? defaultWaitStrategy({ hasHealthcheck, exposedTcpPorts: ports.exposed.filter((p) => p.protocol === 'tcp').length });
    onStrategy?.(strategy.description);
    const watch = new AbortController();
    const exited = engine.waitForExit(info.Id, watch.signal).then(
      async (exitCode) => {
        const [state] = await Promise.all([engine.inspectContainer(info.Id), hub.drained(scaledTimeout(1000, config()))]);
        return { exitCode, oomKilled: state?.State.OOMKilled ?? false };
      },
      () => new Promise<never>(() => undefined),
    );
    try {
      await runWait(strategy, target, {
        // The startup budget was scaled once, when the deadline was made.
        deadline,
        ...(signal ? { signal } : {}),
        exited,
        logTail: () => hub.tail(),
      });
    } finally {
      watch.abort();
    }
    hub.settle();
    // Some engines publish ports only after start: read the mappings again only if one was missing.
    const unmapped = ports.exposed.some((p) => !ports.mapped.has(`${p.port}/${p.protocol}`));
    const settled = unmapped ? ((await engine.inspectContainer(info.Id, signal)) ?? info) : info;
    return { info: settled, ports: unmapped ? readPorts(settled, engine.portHost) : ports, logs: hub };
  };
}

/**
 * "2026-11-27T17:30:00.123456789Z" → "1795800600.123456789": the engine reads `since` as seconds and
 * nanoseconds, so logs of an earlier run in the same second are not replayed after a restart.
 */
export function engineTimestamp(iso: string): string | undefined {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`) / 1000;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return `${seconds}.${(match[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
}

async function mustInspect(engine: Engine, spec: ResolvedSpec): Promise<ContainerInspect> {
  const info = await engine.inspectContainer(spec.name);
  if (!info)
    throw new ContainerStartError(`container ${spec.name} disappeared right after start`, {
      hint: 'something else removed it; is another berth prune running?',
    });
  return info;
}

/** Host ports declared as 'free' are picked now, so the container can be told its port up front. */
async function pickFreePorts(
  spec: ResolvedSpec & { portPlans: { pickFree: boolean; container: number; protocol: string }[] },
): Promise<void> {
  for (const plan of spec.portPlans) {
    if (!plan.pickFree) continue;
    // Loaded only when a port asks for it: most specs publish on random ports chosen by the engine.
    const { default: getPort } = await import('get-port');
    const host = await getPort();
    const port = spec.ports.find((p) => p.container === plan.container && p.protocol === plan.protocol);
    if (port) port.host = host;
  }
}

function hintFor(phase: StartPhase, message: string): string {
  if (/port is already allocated|address already in use/i.test(message))
    return 'a fixed host port is taken; use a random port (the default) or host: "free"';
  if (/bind source path does not exist|invalid mount config/i.test(message)) return 'check `binds[].source` exists on the engine host';
  if (/network .* not found/i.test(message)) return 'create the network first (createNetwork) and pass its name';
  if (phase === 'discover') return 'is the engine running? `berth doctor` shows what was tried';
  if (phase === 'wait') return 'the container started but never became ready; the log lines above usually say why';
  return 'run with DEBUG=berth:* for the engine conversation';
}
