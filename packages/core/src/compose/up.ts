/**
 * `startCompose`: load and check the files (nothing touches the engine until they are valid), check
 * external networks and volumes, build images, create the project's networks and volumes, then start
 * every service through berth's own `start()` — independent ones in parallel, each as soon as its
 * dependencies meet their conditions. The first failure (a start that fails, a dependency that exits
 * or turns unhealthy) aborts the rest and removes everything created so far.
 */
import type { StartedContainer } from '../container/handle.js';
import type { PullPolicy } from '../container/spec.js';
import { start } from '../container/start.js';
import type { Engine } from '../engine/engine.js';
import { getEngine } from '../engine/index.js';
import { AbortError, ComposeStartError, InvalidSpecError, isBerthError, PortInUseError, throwIfAborted, withDetails } from '../errors.js';
import { buildImage } from '../image/build.js';
import { debug } from '../log.js';
import { createNetwork } from '../network/network.js';
import { randomName } from '../session/id.js';
import { createVolume } from '../volume/volume.js';
import type { WaitStrategy } from '../wait/strategy.js';
import { ComposeEnvironment, type Owned, teardown } from './environment.js';
import { checkExternals } from './externals.js';
import { loadCompose } from './load.js';
import type { ComposeModel, ComposeService } from './model.js';
import { planStart } from './plan.js';
import { readinessFor, watchExits } from './readiness.js';
import { ComposeLabels, toContainerSpec } from './to-spec.js';

const log = debug('compose');

export interface ComposeOptions {
  /** One file or several, merged in order. Default: compose.yaml / docker-compose.yml (+ its .override) in `cwd`. */
  files?: string | string[];
  /** Folder to look for the default files in, and to resolve `files` against. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Compose project name; default a fresh `<name>-<random>` per call (`<name>` from COMPOSE_PROJECT_NAME
   * or the file's `name:`, else `berth`), so runs never collide.
   */
  projectName?: string;
  /** Profiles to enable; services without `profiles` always start. Default: COMPOSE_PROFILES (env option, process, `.env`). */
  profiles?: string[];
  /** Variables for interpolation, ahead of the process environment and `.env`. */
  env?: Record<string, string>;
  /**
   * Host ports of `ports:` entries. `'free'` (default): every published port lands on a free host port
   * the engine picks, so two runs of a file with `5432:5432` (or a developer's own postgres) never
   * collide; tests read the host port with `service(name).mappedPort(5432)` or `details()`.
   * `'as-written'`: publish on the host ports the file writes, as `docker compose up` does.
   */
  hostPorts?: 'free' | 'as-written';
  /** Start only these services (and what they depend on). */
  services?: string[];
  /** Per-service readiness, instead of healthcheck / published ports / running. */
  wait?: Record<string, WaitStrategy>;
  /** For services without `pull_policy`. Default berth's (`missing`, or BERTH_PULL_POLICY). */
  pullPolicy?: PullPolicy;
  /** Per container, before BERTH_TIMEOUT_SCALE. Default berth's 60 s. */
  startupTimeoutMs?: number;
  signal?: AbortSignal;
}

export async function startCompose(input: string | string[] | ComposeOptions = {}): Promise<ComposeEnvironment> {
  const options: ComposeOptions = typeof input === 'string' || Array.isArray(input) ? { files: input } : input;
  const { signal } = options;
  throwIfAborted(signal, 'startCompose');
  if (options.hostPorts !== undefined && options.hostPorts !== 'free' && options.hostPorts !== 'as-written') {
    throw new InvalidSpecError(`expected \`hostPorts\` to be 'free' or 'as-written', got ${JSON.stringify(options.hostPorts)}`);
  }
  if (options.projectName !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(options.projectName)) {
    throw new InvalidSpecError(
      `expected \`projectName\` to hold lowercase letters, digits, _ and - (starting with a letter or digit), got ${JSON.stringify(options.projectName)}`,
    );
  }
  const { model, places, settings } = await loadCompose({
    ...(options.files === undefined ? {} : { files: options.files }),
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const { order } = planStart(model, places, {
    ...((options.profiles ?? settings.profiles) ? { profiles: options.profiles ?? settings.profiles } : {}),
    ...(options.services ? { services: options.services } : {}),
    waitFor: Object.keys(options.wait ?? {}),
  });
  // The file's name (COMPOSE_PROJECT_NAME, `name:`) is only a prefix: a fixed name would make two runs collide.
  const project = options.projectName ?? randomName(projectPrefix(settings.projectName));
  const engine = await getEngine();
  await checkExternals(engine, model, order, places, signal);
  const began = performance.now();

  const images = await buildImages(engine, order, project, signal);
  const owned: Owned[] = [];
  const started = new Map<string, StartedContainer[]>();
  // Every container as soon as it is ready, for the cleanup after a failure (replicas of a failed service too).
  const created = new Map<string, StartedContainer[]>();
  const abort = new AbortController();
  const onAbort = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatching = new AbortController();
  try {
    const { networks, volumes, anonymous } = await createResources(model, order, project, owned);
    const dependents = readinessFor(order, options.wait ?? {});
    const ready = new Map<string, Promise<void>>();
    let firstFailure: unknown;
    const fail = (error: unknown) => {
      firstFailure ??= error;
      abort.abort(error);
    };
    const startService = async (service: ComposeService) => {
      await Promise.all(Object.keys(service.dependsOn).map((dep) => ready.get(dep)));
      throwIfAborted(abort.signal, `starting ${service.name}`);
      const replicas = await Promise.all(
        Array.from({ length: service.replicas }, (_, i) => {
          const spec = toContainerSpec(service, i + 1, {
            project,
            projectDir: model.projectDir,
            files: model.files,
            image: images.get(service.name) as string,
            networks,
            volumes,
            fileSources: model,
            hostPorts: options.hostPorts ?? 'free',
            linkAliases: linkAliases(model, service.name),
            anonymousVolume: (target) => anonymous(service.name, i + 1, target),
            wait: dependents.get(service.name),
            pullPolicy: pullPolicyFor(service, options.pullPolicy),
            startupTimeoutMs: options.startupTimeoutMs,
          });
          return start(spec, { signal: abort.signal, service: service.name }).then((c) => {
            created.set(service.name, [...(created.get(service.name) ?? []), c]);
            return c;
          });
        }),
      );
      started.set(service.name, replicas);
      watchExits(engine, service, replicas, dependents.get(service.name), stopWatching.signal, fail);
      log('[%s] %s ready (%d replica(s))', project, service.name, replicas.length);
    };
    for (const service of order) {
      const promise = startService(service);
      promise.catch(fail);
      ready.set(service.name, promise);
    }
    await Promise.allSettled([...ready.values()]);
    stopWatching.abort();
    if (firstFailure !== undefined) throw firstFailure;
    log('[%s] all %d service(s) ready in %d ms', project, order.length, Math.round(performance.now() - began));
    const startedOrder = order.map((s) => s.name);
    return new ComposeEnvironment(project, startedOrder, started, owned);
  } catch (error) {
    stopWatching.abort();
    const levels = [...order].reverse().map((s) => created.get(s.name) ?? []);
    await teardown(project, levels, owned).catch((cleanup) => log('[%s] cleanup after a failed start: %s', project, String(cleanup)));
    throw asComposeError(error, project, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function projectPrefix(name: string | undefined): string {
  const cleaned = name
    ?.toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z0-9]+/, '');
  return cleaned ? cleaned : 'berth';
}

/**
 * `links: [db:database]` in any service makes `database` an alias of db on db's networks, the way
 * Compose v2 resolves links on user-defined networks.
 */
function linkAliases(model: ComposeModel, service: string): Record<string, string[]> {
  const aliases: string[] = [];
  for (const other of Object.values(model.services)) {
    for (const link of other.links) {
      const [target, alias] = link.split(':');
      if (target === service && alias && alias !== service) aliases.push(alias);
    }
  }
  if (aliases.length === 0) return {};
  return Object.fromEntries(Object.keys(model.services[service]?.networks ?? {}).map((key) => [key, [...new Set(aliases)]]));
}

/** A built image is never pulled; otherwise the service's `pull_policy`, the option, berth's default. */
function pullPolicyFor(service: ComposeService, option: PullPolicy | undefined): PullPolicy | undefined {
  if (service.build) return 'never';
  return (service.pullPolicy as PullPolicy | undefined) ?? option;
}

function asComposeError(error: unknown, project: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) {
    return error instanceof AbortError
      ? error
      : new AbortError(`startCompose of ${project} was aborted`, { cause: signal.reason ?? error });
  }
  if (error instanceof ComposeStartError) return error;
  if (error instanceof PortInUseError) {
    const port = String(error.details.port ?? '');
    return new ComposeStartError(
      `compose project ${project} failed to start: ${error.details.service ? `service ${error.details.service}: ` : ''}${error.summary}`,
      {
        cause: error,
        details: error.details,
        hint: `the file publishes host port ${port} as written (\`hostPorts: 'as-written'\`), and something else holds it; leave \`hostPorts\` at its default ('free') to publish on free host ports, or free port ${port}`,
      },
    );
  }
  const details = isBerthError(error) ? error.details : {};
  const service = typeof details.service === 'string' ? details.service : undefined;
  const summary = isBerthError(error) ? error.summary : String((error as Error)?.message ?? error);
  return new ComposeStartError(`compose project ${project} failed to start${service ? `: service ${service}` : ''}: ${summary}`, {
    cause: error,
    details,
    hint: isBerthError(error) && error.hint ? error.hint : 'everything started for this project has been removed',
  });
}

async function buildImages(engine: Engine, order: ComposeService[], project: string, signal: AbortSignal | undefined) {
  const images = new Map<string, string>();
  for (const service of order) {
    if (service.build) {
      const built = await buildImage(engine, {
        context: service.build.context,
        ...(service.build.dockerfile ? { dockerfile: service.build.dockerfile } : {}),
        ...(service.build.target ? { target: service.build.target } : {}),
        buildArgs: service.build.args,
        ...(service.image ? { tag: service.image } : {}),
        ...(signal ? { signal } : {}),
      }).catch((error: unknown) => {
        if (signal?.aborted) throw error;
        throw withDetails(error, { service: service.name, phase: 'build' }, (message, opts) => new ComposeStartError(message, opts));
      });
      log('[%s] built %s for %s', project, built.ref, service.name);
      images.set(service.name, built.ref);
    } else images.set(service.name, service.image as string);
  }
  return images;
}

/**
 * The project's networks (used ones only), named volumes and one volume per anonymous mount, each
 * labelled for the session and compose; created in parallel, every one that was made registered for
 * removal even when another failed.
 */
async function createResources(model: ComposeModel, order: ComposeService[], project: string, owned: Owned[]) {
  const networks: Record<string, string> = {};
  const volumes: Record<string, string> = {};
  const anonymousNames = new Map<string, string>();
  const tasks: Promise<void>[] = [];
  for (const key of new Set(order.flatMap((s) => Object.keys(s.networks)))) {
    const declared = model.networks[key];
    if (declared?.external) {
      networks[key] = declared.name ?? key;
      continue;
    }
    const name = declared?.name ?? `${project}_${key}`;
    networks[key] = name;
    tasks.push(
      createNetwork({
        name,
        labels: { ...declared?.labels, [ComposeLabels.project]: project, [ComposeLabels.network]: key },
        ...(declared?.driver ? { driver: declared.driver } : {}),
        ...(declared?.internal ? { internal: true } : {}),
        ...(declared && Object.keys(declared.driverOpts).length > 0 ? { driverOpts: declared.driverOpts } : {}),
        ...(declared?.ipam ? { ipam: declared.ipam } : {}),
        ...(declared?.enableIpv6 ? { enableIpv6: true } : {}),
        ...(declared?.attachable ? { attachable: true } : {}),
      }).then((network) => {
        owned.push({ what: `network ${name}`, remove: () => network.remove() });
      }),
    );
  }
  // Volumes go before networks in teardown: they are put first.
  const volume = (name: string, labels: Record<string, string>, driver: string | undefined, driverOpts: Record<string, string> = {}) =>
    createVolume({ name, labels, ...(driver ? { driver } : {}), ...(Object.keys(driverOpts).length > 0 ? { driverOpts } : {}) }).then(
      (created) => {
        owned.unshift({ what: `volume ${name}`, remove: () => created.remove() });
      },
    );
  for (const key of new Set(order.flatMap((s) => s.mounts.flatMap((m) => (m.type === 'volume' && m.source ? [m.source] : []))))) {
    const declared = model.volumes[key];
    if (declared?.external) {
      volumes[key] = declared.name ?? key;
      continue;
    }
    const name = declared?.name ?? `${project}_${key}`;
    volumes[key] = name;
    tasks.push(
      volume(
        name,
        { ...declared?.labels, [ComposeLabels.project]: project, [ComposeLabels.volume]: key },
        declared?.driver,
        declared?.driverOpts,
      ),
    );
  }
  // Anonymous mounts (`- /data`) get a session volume each (per replica), so they go with the project.
  for (const service of order) {
    for (let number = 1; number <= service.replicas; number++) {
      for (const mount of service.mounts) {
        if (mount.type !== 'volume' || mount.source !== undefined) continue;
        const name = randomName(`${project}_anon`);
        anonymousNames.set(`${service.name}/${number}/${mount.target}`, name);
        tasks.push(volume(name, { [ComposeLabels.project]: project, [ComposeLabels.volume]: '' }, undefined));
      }
    }
  }
  const failed = (await Promise.allSettled(tasks)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const anonymous = (service: string, number: number, target: string) => anonymousNames.get(`${service}/${number}/${target}`) as string;
  return { networks, volumes, anonymous };
}
