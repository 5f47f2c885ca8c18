// Compose v2 as the reference for berth's compose loader: the binary comes from scripts/compose-v2
// (Debian trixie's docker-compose 2.26.1, cached), `config --format json` gives its model of a
// project, and both models are brought to one comparable form here. Each deliberate difference of
// berth's model (docs/compose.md) is normalised at one commented place.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ComposeModel, ComposeService } from '@berth/core/compose';

const run = promisify(execFile);
const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The path of the Compose v2 binary (fetched on first use; fast when cached). */
export async function composeV2(): Promise<string> {
  const { stdout } = await run(path.join(repo, 'scripts/compose-v2'), [], { timeout: 300_000 });
  return stdout.trim().split('\n').at(-1) as string;
}

type Json = Record<string, unknown>;

/** `docker compose config --format json` with every profile on, in `cwd`, with only `env` (and PATH) set. */
export async function configV2(bin: string, cwd: string, files: string[], env: Record<string, string>): Promise<Json> {
  const args = [...files.flatMap((f) => ['-f', f]), '--profile', '*', 'config', '--format', 'json'];
  const { stdout } = await run(bin, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  // `config` writes a literal `$` as `$$` (so its output can be read again): undo that.
  return JSON.parse(stdout, (_key, value) => (typeof value === 'string' ? value.replaceAll('$$', '$') : value)) as Json;
}

const DURATION: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
function ms(text: unknown): number | undefined {
  if (text === undefined || text === null) return undefined;
  let total = 0;
  for (const [, n, unit] of String(text).matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g))
    total += Number(n) * (DURATION[unit as string] as number);
  return total;
}
const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
const sorted = <T>(list: T[] | undefined) => [...(list ?? [])].map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).sort();
const strings = (v: unknown): string[] | undefined => (v === undefined || v === null ? undefined : (v as unknown[]).map(String));
const clean = (o: Json): Json =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));

/** One service of Compose v2's output, in the comparable form. */
export function fromV2(s: Json): Json {
  const deploy = (s.deploy ?? {}) as Json;
  const limits = ((deploy.resources as Json | undefined)?.limits ?? {}) as Json;
  const build = s.build as Json | undefined;
  const hc = s.healthcheck as Json | undefined;
  const ports = ((s.ports ?? []) as Json[]).map((p) => `${p.host_ip ?? '*'}:${p.published ?? '*'}->${p.target}/${p.protocol ?? 'tcp'}`);
  const volumes = ((s.volumes ?? []) as Json[]).map((v) =>
    JSON.stringify({
      type: v.type,
      source: v.source ?? null,
      target: v.target,
      readOnly: v.read_only ?? false,
      selinux: (v.bind as Json | undefined)?.selinux ?? null,
      size: num((v.tmpfs as Json | undefined)?.size) ?? null,
    }),
  );
  const networks = Object.fromEntries(
    Object.entries((s.networks ?? {}) as Record<string, Json | null>).map(([key, n]) => [
      key,
      clean({ aliases: sorted(strings(n?.aliases)), ipv4: n?.ipv4_address, ipv6: n?.ipv6_address }),
    ]),
  );
  const ulimits = Object.fromEntries(
    Object.entries((s.ulimits ?? {}) as Record<string, unknown>).map(([k, v]) =>
      typeof v === 'object' && v ? [k, `${(v as Json).soft}/${(v as Json).hard}`] : [k, `${v}/${v}`],
    ),
  );
  const fileMounts = (list: unknown, kind: 'secrets' | 'configs') =>
    sorted(
      ((list ?? []) as Json[]).map((m) => {
        const target = m.target as string | undefined;
        // Where Compose v2 mounts them when the target is left out or relative.
        const base = kind === 'secrets' ? '/run/secrets' : '';
        const resolved = target === undefined ? `${base}/${m.source}` : target.startsWith('/') ? target : `${base}/${target}`;
        return { source: m.source, target: resolved, mode: m.mode ?? null };
      }),
    );
  return clean({
    image: s.image,
    build: build
      ? { context: build.context, dockerfile: build.dockerfile ?? 'Dockerfile', target: build.target ?? null, args: build.args ?? {} }
      : undefined,
    command: strings(s.command),
    entrypoint: strings(s.entrypoint),
    // A variable listed without a value and not set stays out of the container in both.
    environment: Object.fromEntries(Object.entries((s.environment ?? {}) as Json).filter(([, v]) => v !== null)),
    ports: sorted(ports),
    // Compose v2 keeps an `expose` range as written; berth's model lists each port.
    expose: sorted(
      ((s.expose ?? []) as string[]).flatMap((e) => {
        const [ports = '', protocol = 'tcp'] = String(e).split('/');
        const [from, to = from] = ports.split('-').map(Number) as [number, number?];
        return Array.from({ length: (to as number) - from + 1 }, (_, i) => `${from + i}/${protocol}`);
      }),
    ),
    volumes: sorted(volumes),
    tmpfs: sorted(strings(s.tmpfs)),
    networks: s.network_mode && s.network_mode !== 'bridge' ? {} : networks,
    networkMode: s.network_mode,
    dependsOn: Object.fromEntries(Object.entries((s.depends_on ?? {}) as Record<string, Json>).map(([k, v]) => [k, v.condition])),
    healthcheck:
      hc === undefined || Object.keys(hc).length === 0
        ? undefined
        : hc.disable
          ? { test: ['NONE'] }
          : clean({
              test: strings(hc.test),
              interval: ms(hc.interval),
              timeout: ms(hc.timeout),
              retries: num(hc.retries),
              startPeriod: ms(hc.start_period),
            }),
    labels: s.labels ?? {},
    profiles: sorted(strings(s.profiles)),
    user: s.user,
    workingDir: s.working_dir,
    hostname: s.hostname,
    init: s.init,
    extraHosts: sorted(strings(s.extra_hosts)),
    capAdd: sorted(strings(s.cap_add)),
    capDrop: sorted(strings(s.cap_drop)),
    securityOpt: sorted(strings(s.security_opt)),
    sysctls: s.sysctls ?? {},
    privileged: s.privileged ?? false,
    devices: sorted(((s.devices ?? []) as Json[]).map((d) => `${d.source}:${d.target}:${d.permissions}`)),
    platform: s.platform,
    dns: strings(s.dns),
    dnsSearch: strings(s.dns_search),
    dnsOpt: strings(s.dns_opt),
    macAddress: s.mac_address,
    volumesFrom: strings(s.volumes_from),
    links: strings(s.links),
    ipc: s.ipc,
    pid: s.pid,
    uts: s.uts,
    usernsMode: s.userns_mode,
    cgroup: s.cgroup,
    runtime: s.runtime,
    domainname: s.domainname,
    groupAdd: strings(s.group_add),
    readOnly: s.read_only ?? false,
    stopSignal: s.stop_signal,
    stopGracePeriod: ms(s.stop_grace_period),
    secrets: fileMounts(s.secrets, 'secrets'),
    configs: fileMounts(s.configs, 'configs'),
    shmSize: num(s.shm_size),
    ulimits,
    // deploy.resources.limits wins over the service-level mem_limit / cpus / pids_limit, as Compose v2 applies them.
    memory: num(limits.memory ?? s.mem_limit),
    cpus: num(limits.cpus ?? s.cpus),
    pids: num(limits.pids ?? s.pids_limit),
    replicas: num(deploy.replicas ?? s.scale) ?? 1,
    // `if_not_present` is Compose's other spelling of `missing`.
    pullPolicy: s.pull_policy === 'if_not_present' ? 'missing' : s.pull_policy,
  });
}

/** One service of berth's model, in the comparable form. */
export function fromBerth(s: ComposeService): Json {
  const sys = s.system;
  return clean({
    image: s.image,
    build: s.build
      ? { context: s.build.context, dockerfile: s.build.dockerfile ?? 'Dockerfile', target: s.build.target ?? null, args: s.build.args }
      : undefined,
    command: s.command,
    entrypoint: s.entrypoint,
    environment: s.environment,
    ports: sorted(s.ports.map((p) => `${p.hostIp ?? '*'}:${p.published ?? '*'}->${p.target}/${p.protocol}`)),
    expose: sorted(s.expose.map((e) => `${e.port}/${e.protocol}`)),
    volumes: sorted(
      s.mounts.map((m) =>
        JSON.stringify({
          type: m.type,
          source: m.type === 'tmpfs' ? null : (m.source ?? null),
          target: m.target,
          readOnly: m.type === 'tmpfs' ? false : m.readOnly,
          selinux: m.type === 'bind' ? (m.selinux ?? null) : null,
          size: m.type === 'tmpfs' ? (m.size ?? null) : null,
        }),
      ),
    ),
    tmpfs: sorted(s.tmpfs),
    networks: Object.fromEntries(
      Object.entries(s.networks).map(([key, n]) => [key, clean({ aliases: sorted(n.aliases), ipv4: n.ipv4Address, ipv6: n.ipv6Address })]),
    ),
    networkMode: s.networkMode,
    dependsOn: s.dependsOn,
    healthcheck: s.healthcheck
      ? clean({
          test: s.healthcheck.test,
          interval: s.healthcheck.intervalMs,
          timeout: s.healthcheck.timeoutMs,
          retries: s.healthcheck.retries,
          startPeriod: s.healthcheck.startPeriodMs,
        })
      : undefined,
    labels: s.labels,
    profiles: sorted(s.profiles),
    user: s.user,
    workingDir: s.workingDir,
    hostname: s.hostname,
    init: s.init,
    extraHosts: sorted(Object.entries(s.extraHosts).map(([h, ip]) => `${h}=${ip}`)),
    capAdd: sorted(s.capAdd),
    capDrop: sorted(s.capDrop),
    securityOpt: sorted(sys.securityOpt),
    sysctls: sys.sysctls ?? {},
    privileged: s.privileged,
    devices: sorted((sys.devices ?? []).map((d) => `${d.host}:${d.container}:${d.permissions}`)),
    platform: s.platform,
    dns: sys.dns,
    dnsSearch: sys.dnsSearch,
    dnsOpt: sys.dnsOptions,
    macAddress: sys.macAddress,
    volumesFrom: s.volumesFrom,
    links: s.links,
    ipc: sys.ipc,
    pid: sys.pid,
    uts: sys.uts,
    usernsMode: sys.usernsMode,
    cgroup: sys.cgroupns,
    runtime: sys.runtime,
    domainname: sys.domainname,
    groupAdd: sys.groupAdd,
    readOnly: sys.readOnlyRootfs ?? false,
    stopSignal: s.stopSignal,
    stopGracePeriod: s.stopGracePeriodMs,
    secrets: sorted(s.secrets.map((m) => ({ source: m.source, target: m.target, mode: m.mode ?? null }))),
    configs: sorted(s.configs.map((m) => ({ source: m.source, target: m.target, mode: m.mode ?? null }))),
    shmSize: s.shmSizeBytes,
    ulimits: Object.fromEntries(Object.entries(sys.ulimits ?? {}).map(([k, v]) => [k, `${v.soft}/${v.hard}`])),
    memory: s.limits.memoryBytes,
    cpus: s.limits.cpus,
    pids: s.limits.pids,
    replicas: s.replicas,
    pullPolicy: s.pullPolicy,
  });
}

/** Top-level networks, volumes, secrets and configs that Compose v2 kept (it drops unused ones). */
export function topLevelV2(config: Json): Json {
  const pick = (section: unknown, f: (v: Json) => Json) =>
    Object.fromEntries(Object.entries((section ?? {}) as Record<string, Json>).map(([k, v]) => [k, f(v)]));
  return {
    // `default` is implicit in berth's model (not declared = the project's default network).
    networks: pick(Object.fromEntries(Object.entries((config.networks ?? {}) as Json).filter(([k]) => k !== 'default')), (n) =>
      clean({
        // Compose v2 names every network `<project>_<key>`; berth's project name differs per run.
        external: n.external ?? false,
        driver: n.driver,
        internal: n.internal ?? false,
        labels: n.labels ?? {},
        driverOpts: n.driver_opts ?? {},
        ipam: ((n.ipam as Json | undefined)?.config as Json[] | undefined)?.map((c) =>
          clean({ subnet: c.subnet, ipRange: c.ip_range, gateway: c.gateway }),
        ),
        enableIpv6: n.enable_ipv6 ?? false,
        attachable: n.attachable ?? false,
      }),
    ),
    volumes: pick(config.volumes, (v) =>
      clean({ external: v.external ?? false, driver: v.driver, driverOpts: v.driver_opts ?? {}, labels: v.labels ?? {} }),
    ),
    secrets: pick(config.secrets, (s) => clean({ file: s.file, environment: s.environment, content: s.content })),
    configs: pick(config.configs, (s) => clean({ file: s.file, environment: s.environment, content: s.content })),
  };
}

export function topLevelBerth(model: ComposeModel, keep: Json): Json {
  const only = <T>(section: Record<string, T>, names: unknown) =>
    Object.entries(section).filter(([k]) => Object.hasOwn((names ?? {}) as Json, k));
  const source = (s: ComposeModel['secrets'][string]) =>
    clean(s.kind === 'file' ? { file: s.path } : s.kind === 'environment' ? { environment: s.variable } : { content: s.content });
  return {
    networks: Object.fromEntries(
      only(model.networks, keep.networks).map(([k, n]) => [
        k,
        clean({
          external: n.external,
          driver: n.driver,
          internal: n.internal,
          labels: n.labels,
          driverOpts: n.driverOpts,
          ipam: n.ipam?.config.map((c) => clean({ ...c })),
          enableIpv6: n.enableIpv6,
          attachable: n.attachable,
        }),
      ]),
    ),
    volumes: Object.fromEntries(
      only(model.volumes, keep.volumes).map(([k, v]) => [
        k,
        clean({ external: v.external, driver: v.driver, driverOpts: v.driverOpts, labels: v.labels }),
      ]),
    ),
    secrets: Object.fromEntries(only(model.secrets, keep.secrets).map(([k, s]) => [k, source(s)])),
    configs: Object.fromEntries(only(model.configs, keep.configs).map(([k, s]) => [k, source(s)])),
  };
}
