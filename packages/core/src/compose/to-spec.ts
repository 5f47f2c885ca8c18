/**
 * One compose service, one replica → berth's ContainerSpec. Pure: names, labels, engine names of
 * networks and volumes and the image to run come in from the start flow.
 */
import type { ContainerSpec, PortSpec, PullPolicy } from '../container/spec.js';
import type { WaitStrategy } from '../wait/strategy.js';
import type { ComposeModel, ComposeService } from './model.js';

export const ComposeLabels = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

export interface SpecContext {
  project: string;
  projectDir: string;
  files: string[];
  /** Image to run (the service's `image`, or what its build produced). */
  image: string;
  /** Network key → engine name. */
  networks: Record<string, string>;
  /** Volume key → engine name; anonymous mounts get their own volume, named by target, per replica. */
  volumes: Record<string, string>;
  /** `free` (default): published ports go to free host ports; `as-written`: to the file's host ports. */
  hostPorts?: 'free' | 'as-written';
  /** The project's top-level secrets and configs (where their content comes from). */
  fileSources?: Pick<ComposeModel, 'secrets' | 'configs'>;
  anonymousVolume: (target: string) => string;
  wait: WaitStrategy | undefined;
  /** Network key → aliases other services give this one through `links` (`db:database`). */
  linkAliases?: Record<string, string[]>;
  pullPolicy: PullPolicy | undefined;
  startupTimeoutMs: number | undefined;
}

export function containerName(project: string, service: string, number: number): string {
  return `${project}-${service}-${number}`;
}

/** `number` counts from 1, like compose's container-number label. */
export function toContainerSpec(service: ComposeService, number: number, ctx: SpecContext): ContainerSpec {
  // With `none`, `host`, `service:x`, `container:x` the container has no ports of its own.
  const ownPorts = service.networkMode === undefined || service.networkMode === 'bridge';
  const ports: PortSpec[] = !ownPorts
    ? []
    : [
        ...service.ports.map((p) => ({
          container: p.target,
          protocol: p.protocol,
          ...(p.published === undefined || ctx.hostPorts !== 'as-written' ? {} : { host: p.published }),
          ...(p.hostIp ? { hostIp: p.hostIp } : {}),
        })),
        ...service.expose.map((e) => ({ container: e.port, protocol: e.protocol })),
      ];
  const spec: ContainerSpec = {
    image: ctx.image,
    name: containerName(ctx.project, service.name, number),
    env: service.environment,
    ports,
    labels: {
      ...service.labels,
      [ComposeLabels.project]: ctx.project,
      [ComposeLabels.service]: service.name,
      [ComposeLabels.number]: String(number),
      [ComposeLabels.oneoff]: 'False',
      [ComposeLabels.workingDir]: ctx.projectDir,
      [ComposeLabels.configFiles]: ctx.files.join(','),
    },
    networks: Object.entries(service.networks).map(([key, n]) => ({
      name: ctx.networks[key] as string,
      // Compose v2 makes the service name and the container name aliases on every network.
      aliases: [
        service.name,
        containerName(ctx.project, service.name, number),
        ...n.aliases.filter((a) => a !== service.name),
        ...(ctx.linkAliases?.[key] ?? []),
      ],
      ...(n.ipv4Address ? { ipv4Address: n.ipv4Address } : {}),
      ...(n.ipv6Address ? { ipv6Address: n.ipv6Address } : {}),
    })),
    extraHosts: service.extraHosts,
    binds: [],
    volumes: [],
    tmpfs: service.tmpfs.map((entry) => {
      const colon = entry.indexOf(':');
      return colon < 0 ? { target: entry } : { target: entry.slice(0, colon), options: entry.slice(colon + 1) };
    }),
    ...(ctx.pullPolicy ? { pullPolicy: ctx.pullPolicy } : {}),
  };
  for (const mount of service.mounts) {
    if (mount.type === 'bind') {
      spec.binds?.push({
        source: mount.source,
        target: mount.target,
        readOnly: mount.readOnly,
        ...(mount.selinux ? { selinux: mount.selinux } : {}),
      });
    } else if (mount.type === 'volume') {
      const name = mount.source === undefined ? ctx.anonymousVolume(mount.target) : (ctx.volumes[mount.source] as string);
      spec.volumes?.push({ name, target: mount.target, readOnly: mount.readOnly });
    } else spec.tmpfs?.push({ target: mount.target, ...(mount.size === undefined ? {} : { options: `size=${mount.size}` }) });
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const entry of service[kind]) {
      const source = ctx.fileSources?.[kind][entry.source];
      if (!source) continue; // loading checked every reference
      // A file source is bind-mounted read-only, as Compose v2 does; inline sources are copied in.
      if (source.kind === 'file') spec.binds?.push({ source: source.path, target: entry.target, readOnly: true });
      else {
        const content = source.kind === 'content' ? source.content : (source.value ?? '');
        spec.copy = [...(spec.copy ?? []), { content, target: entry.target, mode: entry.mode ?? 0o444 }];
      }
    }
  }
  const system = { ...service.system };
  if (service.limits.pids !== undefined) system.pidsLimit = service.limits.pids;
  if (service.networkMode) system.networkMode = networkMode(service.networkMode, ctx.project);
  if (system.ipc) system.ipc = networkMode(system.ipc, ctx.project);
  if (system.pid) system.pid = networkMode(system.pid, ctx.project);
  if (service.volumesFrom.length > 0) system.volumesFrom = service.volumesFrom.map((entry) => volumesFrom(entry, ctx.project));
  if (Object.keys(system).length > 0) spec.system = system;
  if (service.capAdd.length > 0) spec.capAdd = service.capAdd;
  if (service.capDrop.length > 0) spec.capDrop = service.capDrop;
  if (service.privileged) spec.privileged = true;
  if (service.platform) spec.platform = service.platform;
  if (service.stopSignal) spec.stopSignal = service.stopSignal;
  if (service.command) spec.command = service.command;
  if (service.entrypoint) spec.entrypoint = service.entrypoint;
  if (service.user) spec.user = service.user;
  if (service.workingDir) spec.workingDir = service.workingDir;
  if (service.hostname) spec.hostname = service.hostname;
  if (service.healthcheck) {
    const h = service.healthcheck;
    spec.healthcheck = {
      ...(h.test ? { test: h.test } : {}),
      ...(h.intervalMs === undefined ? {} : { intervalMs: h.intervalMs }),
      ...(h.timeoutMs === undefined ? {} : { timeoutMs: h.timeoutMs }),
      ...(h.retries === undefined ? {} : { retries: h.retries }),
      ...(h.startPeriodMs === undefined ? {} : { startPeriodMs: h.startPeriodMs }),
    };
  }
  if (service.limits.memoryBytes !== undefined || service.limits.cpus !== undefined || service.shmSizeBytes !== undefined) {
    spec.resources = {
      ...(service.limits.memoryBytes === undefined ? {} : { memory: service.limits.memoryBytes }),
      ...(service.limits.cpus === undefined ? {} : { cpus: service.limits.cpus }),
      ...(service.shmSizeBytes === undefined ? {} : { shmSize: service.shmSizeBytes }),
    };
  }
  if (service.init !== undefined) spec.init = service.init;
  if (service.stopGracePeriodMs !== undefined) spec.stopTimeoutSeconds = Math.ceil(service.stopGracePeriodMs / 1000);
  if (ctx.wait) spec.wait = ctx.wait;
  if (ctx.startupTimeoutMs !== undefined) spec.startupTimeoutMs = ctx.startupTimeoutMs;
  return spec;
}

/** `service:x` (network, ipc, pid modes) → the first container of x; `container:x`, `none`, `host` as written. */
function networkMode(mode: string, project: string): string {
  return mode.startsWith('service:') ? `container:${containerName(project, mode.slice('service:'.length), 1)}` : mode;
}

/** `x[:ro]` or `service:x[:ro]` → x's first container; `container:name[:ro]` → name. */
function volumesFrom(entry: string, project: string): string {
  const parts = entry.split(':');
  if (parts[0] === 'container') return parts.slice(1).join(':');
  const [service, mode] = parts[0] === 'service' ? [parts[1], parts[2]] : [parts[0], parts[1]];
  return `${containerName(project, service as string, 1)}${mode ? `:${mode}` : ''}`;
}
