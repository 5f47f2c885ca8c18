/**
 * One service of one file, checked key by key into a partial, canonical form (list-or-map keys as
 * maps, paths absolute, durations in ms). Partials of several files are merged (merge.ts) before the
 * final model is built (load.ts).
 */
import { resolve } from 'node:path';
import type { PullPolicy, SystemSettings } from '../container/spec.js';
import { type Reader, splitWords } from './check.js';
import { parseMounts, parsePorts } from './fields.js';
import { APPLIED_SERVICE_KEYS, IGNORED_DEPLOY_KEYS, IGNORED_SERVICE_KEYS, REFUSED_SERVICE_KEYS } from './key-policy.js';
import { type MergeTags, takeMergeTags } from './merge-tags.js';
import type {
  ComposeFileMount,
  ComposeHealthcheck,
  ComposeMount,
  ComposeNetworkAttachment,
  ComposePort,
  DependencyCondition,
} from './model.js';
import { readSystem } from './service-system.js';
import type { KeyPath } from './source.js';

export interface PartialService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string | null>; target?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  env_file?: { path: string; required: boolean }[];
  ports?: ComposePort[];
  expose?: { port: number; protocol: 'tcp' | 'udp' }[];
  volumes?: ComposeMount[];
  tmpfs?: string[];
  networks?: Record<string, ComposeNetworkAttachment>;
  network_mode?: string;
  depends_on?: Record<string, DependencyCondition>;
  /** `depends_on` entries with `required: false`: dropped when that service is not in the project. */
  optional_deps?: string[];
  healthcheck?: Partial<ComposeHealthcheck> & { disable?: boolean };
  labels?: Record<string, string>;
  user?: string;
  working_dir?: string;
  hostname?: string;
  extra_hosts?: Record<string, string>;
  init?: boolean;
  stop_grace_period?: number;
  stop_signal?: string;
  profiles?: string[];
  replicas?: number;
  limits?: { memoryBytes?: number; cpus?: number; pids?: number };
  pull_policy?: PullPolicy | 'build';
  extends?: { service: string; file?: string };
  links?: string[];
  volumes_from?: string[];
  secrets?: FileMountEntry[];
  configs?: FileMountEntry[];
  cap_add?: string[];
  cap_drop?: string[];
  privileged?: boolean;
  platform?: string;
  shm_size?: number;
  system?: SystemSettings;
  /** Keys whose value was reported as a problem: later checks that depend on them stay quiet. */
  failed?: string[];
  /** `!reset` / `!override` of this file, applied when it is merged over an earlier one. */
  tags?: MergeTags;
}

/** A service's secret or config before the default target is known. */
export type FileMountEntry = Omit<ComposeFileMount, 'target'> & { target?: string };

const CONDITIONS: DependencyCondition[] = ['service_started', 'service_healthy', 'service_completed_successfully'];

/**
 * One service: every key is checked on its own, and a problem in one does not hide the others (they
 * are all recorded on the Reader and reported together).
 */
export function readService(r: Reader, raw: unknown, path: KeyPath, projectDir: string): PartialService {
  const map = r.keys(raw, path, APPLIED_SERVICE_KEYS, IGNORED_SERVICE_KEYS, REFUSED_SERVICE_KEYS);
  const tags = takeMergeTags(map);
  const at = (key: string): KeyPath => [...path, key];
  const out: PartialService = {};
  const has = (key: string) => map[key] !== undefined && map[key] !== null;
  const read = (key: string, reader: () => void) => {
    if (!has(key)) return;
    const before = r.problems.length;
    r.collect(reader);
    if (r.problems.length > before) out.failed = [...(out.failed ?? []), key];
  };
  for (const key of ['image', 'user', 'working_dir', 'hostname', 'network_mode', 'stop_signal', 'platform'] as const) {
    read(key, () => {
      // An empty value (`platform: ${PLATFORM}` with PLATFORM unset) is no value, as in Compose v2.
      const value = r.string(map[key], at(key));
      if (value !== '') (out as Record<string, unknown>)[key] = value;
    });
  }
  read('build', () => {
    out.build = readBuild(r, map.build, at('build'), projectDir);
  });
  for (const key of ['command', 'entrypoint'] as const) {
    read(key, () => {
      const value = map[key];
      if (typeof value === 'string') {
        const words = splitWords(value);
        if (!words) r.fail(at(key), `unbalanced quotes in ${JSON.stringify(value)}`);
        out[key] = words;
      } else out[key] = r.stringOrList(value, at(key));
    });
  }
  read('environment', () => {
    out.environment = r.listOrMap(map.environment, at('environment'));
  });
  read('env_file', () => {
    out.env_file = readEnvFiles(r, map.env_file, at('env_file'), projectDir);
  });
  read('ports', () => {
    out.ports = parsePorts(r, map.ports, at('ports'));
  });
  read('expose', () => {
    out.expose = r.list(map.expose, at('expose')).flatMap((item, index) => {
      const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(r.string(item, [...path, 'expose', index]));
      const from = Number(match?.[1]);
      const to = match?.[2] === undefined ? from : Number(match[2]);
      if (!match || from < 1 || to > 65535 || to < from)
        r.fail([...path, 'expose', index], 'expected a port like 8080, "53/udp" or a range "5000-5010"');
      const protocol = (match[3] ?? 'tcp') as 'tcp' | 'udp';
      return Array.from({ length: to - from + 1 }, (_, i) => ({ port: from + i, protocol }));
    });
  });
  read('volumes', () => {
    out.volumes = parseMounts(r, map.volumes, at('volumes'), projectDir);
  });
  read('tmpfs', () => {
    out.tmpfs = r.stringOrList(map.tmpfs, at('tmpfs'));
  });
  read('networks', () => {
    out.networks = readNetworks(r, map.networks, at('networks'));
  });
  read('depends_on', () => {
    out.depends_on = readDependsOn(r, map.depends_on, at('depends_on'), out);
  });
  read('healthcheck', () => {
    out.healthcheck = readHealthcheck(r, map.healthcheck, at('healthcheck'));
  });
  read('labels', () => {
    out.labels = nonNull(r.listOrMap(map.labels, at('labels')));
  });
  read('extra_hosts', () => {
    out.extra_hosts = readExtraHosts(r, map.extra_hosts, at('extra_hosts'));
  });
  read('init', () => {
    out.init = r.bool(map.init, at('init'));
  });
  read('privileged', () => {
    out.privileged = r.bool(map.privileged, at('privileged'));
  });
  read('stop_grace_period', () => {
    out.stop_grace_period = r.duration(map.stop_grace_period, at('stop_grace_period'));
  });
  read('shm_size', () => {
    out.shm_size = r.bytes(map.shm_size, at('shm_size'));
  });
  for (const key of ['profiles', 'links', 'volumes_from', 'cap_add', 'cap_drop'] as const) {
    read(key, () => {
      out[key] = r.list(map[key], at(key)).map((p, i) => r.string(p, [...path, key, i]));
    });
  }
  read('scale', () => {
    out.replicas = r.int(map.scale, at('scale'));
  });
  read('deploy', () => readDeploy(r, map.deploy, at('deploy'), out));
  read('mem_limit', () => {
    out.limits = { ...out.limits, memoryBytes: r.bytes(map.mem_limit, at('mem_limit')) };
  });
  read('cpus', () => {
    out.limits = { ...out.limits, cpus: readCpus(r, map.cpus, at('cpus')) };
  });
  read('pids_limit', () => {
    out.limits = { ...out.limits, pids: r.int(map.pids_limit, at('pids_limit'), -1) };
  });
  read('pull_policy', () => {
    const policy = r.string(map.pull_policy, at('pull_policy'));
    const mapped = { always: 'always', never: 'never', missing: 'missing', if_not_present: 'missing', build: 'build' }[policy];
    if (!mapped) r.fail(at('pull_policy'), `expected always, never, missing, if_not_present or build, got ${JSON.stringify(policy)}`);
    out.pull_policy = mapped as PullPolicy | 'build';
  });
  read('extends', () => {
    out.extends = readExtends(r, map.extends, at('extends'), projectDir);
  });
  read('secrets', () => {
    out.secrets = readFileMounts(r, map.secrets, at('secrets'));
  });
  read('configs', () => {
    out.configs = readFileMounts(r, map.configs, at('configs'));
  });
  const system = readSystem(r, map, path);
  if (Object.keys(system).length > 0) out.system = system;
  if (tags.resets.length > 0 || tags.overrides.length > 0) out.tags = tags;
  if (out.network_mode !== undefined) {
    const mode = out.network_mode;
    if (!/^(none|host|bridge|default|(service|container):.+)$/.test(mode)) {
      r.report(at('network_mode'), `expected none, host, bridge, service:<name> or container:<name>, got ${JSON.stringify(mode)}`);
    } else if (mode !== 'bridge' && mode !== 'default' && out.networks !== undefined) {
      r.report(at('networks'), `a service with \`network_mode: ${mode}\` joins no networks`, 'remove `networks` or `network_mode`');
    }
  }
  return out;
}

function readCpus(r: Reader, value: unknown, path: KeyPath): number {
  const cpus = Number(value);
  if (!Number.isFinite(cpus) || cpus <= 0) r.fail(path, `expected a number of CPUs like 0.5, got ${JSON.stringify(value)}`);
  return cpus;
}

/** `env_file`: a path, a list of paths, or a list of `{ path, required }` (`required: false` = may be missing). */
function readEnvFiles(r: Reader, value: unknown, path: KeyPath, projectDir: string): { path: string; required: boolean }[] {
  const items = typeof value === 'string' ? [value] : r.list(value, path);
  return items.map((item, index) => {
    const at = [...path, index];
    if (item && typeof item === 'object') {
      const map = r.keys(item, at, ['path', 'required', 'format']);
      if (map.format !== undefined && map.format !== null) r.fail([...at, 'format'], 'only the default env file format is supported');
      return {
        path: resolve(projectDir, r.string(map.path, [...at, 'path'])),
        required: map.required === undefined ? true : r.bool(map.required, [...at, 'required']),
      };
    }
    return { path: resolve(projectDir, r.string(item, at)), required: true };
  });
}

/** `extends: name` or `{ service, file? }`; the file is resolved against this file's project folder. */
function readExtends(r: Reader, value: unknown, path: KeyPath, projectDir: string): { service: string; file?: string } {
  if (typeof value === 'string') return { service: value };
  const map = r.keys(value, path, ['service', 'file']);
  const service = r.string(map.service, [...path, 'service']);
  return map.file === undefined ? { service } : { service, file: resolve(projectDir, r.string(map.file, [...path, 'file'])) };
}

/** Service `secrets` / `configs`: a name, or `{ source, target, uid, gid, mode }`. */
function readFileMounts(r: Reader, value: unknown, path: KeyPath): FileMountEntry[] {
  return r.list(value, path).map((item, index) => {
    const at = [...path, index];
    if (typeof item === 'string') return { source: item };
    const map = r.keys(item, at, ['source', 'target', 'uid', 'gid', 'mode']);
    const out: FileMountEntry = { source: r.string(map.source, [...at, 'source']) };
    if (map.target !== undefined) out.target = r.string(map.target, [...at, 'target']);
    if (map.uid !== undefined) out.uid = r.string(map.uid, [...at, 'uid']);
    if (map.gid !== undefined) out.gid = r.string(map.gid, [...at, 'gid']);
    if (map.mode !== undefined) out.mode = readMode(r, map.mode, [...at, 'mode']);
    return out;
  });
}

/** A file mode: YAML reads `0440` as octal already (288); a string is read as octal. */
function readMode(r: Reader, value: unknown, path: KeyPath): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) return value;
  if (typeof value === 'string' && /^0?[0-7]{1,4}$/.test(value)) return Number.parseInt(value, 8);
  r.fail(path, `expected a file mode like 0440, got ${JSON.stringify(value)}`);
}

function nonNull(map: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v ?? '']));
}

/** `host=ip` or `host:ip` items (Compose v2 takes both; `=` first, since an IPv6 address has colons), or a mapping. */
function readExtraHosts(r: Reader, value: unknown, path: KeyPath): Record<string, string> {
  if (!Array.isArray(value)) return nonNull(r.listOrMap(value, path));
  const out: Record<string, string> = {};
  value.forEach((item, index) => {
    const text = r.string(item, [...path, index]);
    const eq = text.indexOf('=');
    const at = eq >= 0 ? eq : text.indexOf(':');
    if (at <= 0 || at === text.length - 1) r.fail([...path, index], `expected host=address or host:address, got ${JSON.stringify(text)}`);
    out[text.slice(0, at)] = text.slice(at + 1).replace(/^\[(.*)\]$/, '$1');
  });
  return out;
}

/** A list item keyed by name afterwards: the name's place is the item's line, for later errors. */
function placeItem(r: Reader, path: KeyPath, index: number, name: string): void {
  const place = r.places.get([...path, index]);
  if (place) r.places.set([...path, name], place);
}

/** A local folder; a URL (git or tarball) is refused: berth builds from a context it can pack. */
function buildContext(r: Reader, text: string, path: KeyPath, projectDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^git@/.test(text)) {
    r.fail(
      path,
      `remote build context ${JSON.stringify(text)}: berth builds from a local folder`,
      'clone it next to the compose file and point `context` there',
    );
  }
  return resolve(projectDir, text);
}

function readBuild(r: Reader, value: unknown, path: KeyPath, projectDir: string): NonNullable<PartialService['build']> {
  if (typeof value === 'string') return { context: buildContext(r, value, path, projectDir) };
  const map = r.keys(
    value,
    path,
    ['context', 'dockerfile', 'args', 'target'],
    {
      cache_from: 'the engine’s local layer cache is used',
      cache_to: 'no cache is exported from a test build',
      no_cache: 'the engine’s layer cache is always used; the result is the same image',
      labels: 'image labels change nothing a test sees',
      network: 'the classic builder uses the default network',
      shm_size: 'build-time /dev/shm size',
      tags: 'berth tags the image once, with `image` or a generated name',
      pull: 'base images are used from the engine as present',
      platforms: 'one platform: the engine’s',
      isolation: 'Windows containers only',
    },
    {
      dockerfile_inline: 'berth builds from a context folder; write the Dockerfile to a file',
      additional_contexts: 'needs a BuildKit session, which berth does not open',
      ssh: 'needs a BuildKit session, which berth does not open',
      secrets: 'build secrets need a BuildKit session, which berth does not open',
      extra_hosts: 'the classic builder takes no extra hosts',
      privileged: 'privileged builds need BuildKit entitlements',
      entitlements: 'BuildKit entitlements need a BuildKit session, which berth does not open',
      ulimits: 'the classic builder takes no ulimits',
    },
  );
  const out: NonNullable<PartialService['build']> = {};
  if (map.context !== undefined)
    out.context = buildContext(r, r.string(map.context, [...path, 'context']), [...path, 'context'], projectDir);
  if (map.dockerfile !== undefined) out.dockerfile = r.string(map.dockerfile, [...path, 'dockerfile']);
  if (map.target !== undefined) out.target = r.string(map.target, [...path, 'target']);
  if (map.args !== undefined) out.args = r.listOrMap(map.args, [...path, 'args']);
  return out;
}

function readNetworks(r: Reader, value: unknown, path: KeyPath): Record<string, ComposeNetworkAttachment> {
  const out: Record<string, ComposeNetworkAttachment> = {};
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const name = r.string(item, [...path, index]);
      placeItem(r, path, index, name);
      out[name] = { aliases: [] };
    });
    return out;
  }
  for (const [key, item] of Object.entries(r.map(value, path))) {
    const map = r.keys(item, [...path, key], ['aliases', 'ipv4_address', 'ipv6_address'], {
      priority: 'the order networks are connected in changes nothing a test sees',
      link_local_ips: 'link-local addresses',
      mac_address: 'per-network MAC addresses need engine API 1.44; use the service’s mac_address',
      driver_opts: 'endpoint driver options need engine API 1.44',
    });
    const aliases =
      map.aliases === undefined || map.aliases === null
        ? []
        : r.list(map.aliases, [...path, key, 'aliases']).map((a, i) => r.string(a, [...path, key, 'aliases', i]));
    const attachment: ComposeNetworkAttachment = { aliases };
    if (map.ipv4_address !== undefined) attachment.ipv4Address = r.string(map.ipv4_address, [...path, key, 'ipv4_address']);
    if (map.ipv6_address !== undefined) attachment.ipv6Address = r.string(map.ipv6_address, [...path, key, 'ipv6_address']);
    out[key] = attachment;
  }
  return out;
}

function readDependsOn(r: Reader, value: unknown, path: KeyPath, service: PartialService): Record<string, DependencyCondition> {
  const out: Record<string, DependencyCondition> = {};
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const name = r.string(item, [...path, index]);
      placeItem(r, path, index, name);
      out[name] = 'service_started';
    });
    return out;
  }
  for (const [key, item] of Object.entries(r.map(value, path))) {
    const map = r.keys(item, [...path, key], ['condition', 'required'], {
      restart: 'berth never restarts a test container',
    });
    if (map.required !== undefined && !r.bool(map.required, [...path, key, 'required'])) {
      service.optional_deps = [...(service.optional_deps ?? []), key];
    }
    const condition = map.condition === undefined ? 'service_started' : r.string(map.condition, [...path, key, 'condition']);
    if (!CONDITIONS.includes(condition as DependencyCondition)) {
      r.fail([...path, key, 'condition'], `expected one of ${CONDITIONS.join(', ')}, got ${JSON.stringify(condition)}`);
    }
    out[key] = condition as DependencyCondition;
  }
  return out;
}

function readHealthcheck(r: Reader, value: unknown, path: KeyPath): NonNullable<PartialService['healthcheck']> {
  const map = r.keys(value, path, ['test', 'interval', 'timeout', 'retries', 'start_period', 'disable'], ['start_interval']);
  const out: NonNullable<PartialService['healthcheck']> = {};
  if (map.disable !== undefined) out.disable = r.bool(map.disable, [...path, 'disable']);
  if (map.test !== undefined) {
    out.test = typeof map.test === 'string' ? ['CMD-SHELL', map.test] : r.stringOrList(map.test, [...path, 'test']);
    if (!['CMD', 'CMD-SHELL', 'NONE'].includes(out.test[0] ?? '')) {
      r.fail([...path, 'test'], `a test list starts with CMD, CMD-SHELL or NONE, got ${JSON.stringify(out.test[0])}`);
    }
  }
  if (map.interval !== undefined) out.intervalMs = r.duration(map.interval, [...path, 'interval']);
  if (map.timeout !== undefined) out.timeoutMs = r.duration(map.timeout, [...path, 'timeout']);
  if (map.start_period !== undefined) out.startPeriodMs = r.duration(map.start_period, [...path, 'start_period']);
  if (map.retries !== undefined) out.retries = r.int(map.retries, [...path, 'retries']);
  return out;
}

function readDeploy(r: Reader, value: unknown, path: KeyPath, out: PartialService): void {
  const map = r.keys(value, path, ['replicas', 'resources'], IGNORED_DEPLOY_KEYS);
  if (map.replicas !== undefined && map.replicas !== null) out.replicas = r.int(map.replicas, [...path, 'replicas']);
  if (map.resources === undefined || map.resources === null) return;
  const resources = r.keys(map.resources, [...path, 'resources'], ['limits'], {
    reservations: 'reservations guarantee capacity, they do not limit it; GPU reservations are not requested',
  });
  if (resources.limits === undefined || resources.limits === null) return;
  const at = [...path, 'resources', 'limits'];
  const limits = r.keys(resources.limits, at, ['cpus', 'memory', 'pids']);
  out.limits = { ...out.limits };
  if (limits.memory !== undefined) out.limits.memoryBytes = r.bytes(limits.memory, [...at, 'memory']);
  if (limits.cpus !== undefined) out.limits.cpus = readCpus(r, limits.cpus, [...at, 'cpus']);
  if (limits.pids !== undefined) out.limits.pids = r.int(limits.pids, [...at, 'pids'], -1);
}
