/**
 * One service of one file, checked key by key into a partial, canonical form (list-or-map keys as
 * maps, paths absolute, durations in ms). Partials of several files are merged (merge.ts) before the
 * final model is built (load.ts).
 */
import { resolve } from 'node:path';
import type { PullPolicy } from '../container/spec.js';
import { type Reader, splitWords } from './check.js';
import { parseMounts, parsePorts } from './fields.js';
import type { ComposeHealthcheck, ComposeMount, ComposePort, DependencyCondition } from './model.js';
import type { KeyPath } from './source.js';

export const SERVICE_KEYS = [
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'expose',
  'volumes',
  'tmpfs',
  'networks',
  'depends_on',
  'healthcheck',
  'labels',
  'user',
  'working_dir',
  'hostname',
  'extra_hosts',
  'init',
  'stop_grace_period',
  'profiles',
  'deploy',
  'scale',
  'pull_policy',
] as const;

/** Accepted and ignored (with a debug line): they change nothing a test can observe, or only in production. */
export const IGNORED_SERVICE_KEYS = ['restart', 'container_name', 'logging', 'stdin_open', 'tty'] as const;

export interface PartialService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string | null>; target?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  env_file?: string[];
  ports?: ComposePort[];
  expose?: { port: number; protocol: 'tcp' | 'udp' }[];
  volumes?: ComposeMount[];
  tmpfs?: string[];
  networks?: Record<string, { aliases: string[] }>;
  depends_on?: Record<string, DependencyCondition>;
  healthcheck?: Partial<ComposeHealthcheck> & { disable?: boolean };
  labels?: Record<string, string>;
  user?: string;
  working_dir?: string;
  hostname?: string;
  extra_hosts?: Record<string, string>;
  init?: boolean;
  stop_grace_period?: number;
  profiles?: string[];
  replicas?: number;
  limits?: { memoryBytes?: number; cpus?: number };
  pull_policy?: PullPolicy | 'build';
}

const CONDITIONS: DependencyCondition[] = ['service_started', 'service_healthy', 'service_completed_successfully'];

export function readService(r: Reader, raw: unknown, path: KeyPath, projectDir: string): PartialService {
  const map = r.keys(raw, path, SERVICE_KEYS, IGNORED_SERVICE_KEYS);
  const at = (key: string): KeyPath => [...path, key];
  const out: PartialService = {};
  const str = (key: keyof PartialService & string) => {
    if (map[key] !== undefined && map[key] !== null) (out as Record<string, unknown>)[key] = r.string(map[key], at(key));
  };
  str('image');
  str('user');
  str('working_dir');
  str('hostname');
  if (map.build !== undefined) out.build = readBuild(r, map.build, at('build'), projectDir);
  for (const key of ['command', 'entrypoint'] as const) {
    if (map[key] === undefined || map[key] === null) continue;
    const value = map[key];
    if (typeof value === 'string') {
      const words = splitWords(value);
      if (!words) r.fail(at(key), `unbalanced quotes in ${JSON.stringify(value)}`);
      out[key] = words;
    } else out[key] = r.stringOrList(value, at(key));
  }
  if (map.environment !== undefined) out.environment = r.listOrMap(map.environment, at('environment'));
  if (map.env_file !== undefined) {
    out.env_file = r.stringOrList(map.env_file, at('env_file')).map((file) => resolve(projectDir, file));
  }
  if (map.ports !== undefined) out.ports = parsePorts(r, map.ports, at('ports'));
  if (map.expose !== undefined) {
    out.expose = r.list(map.expose, at('expose')).map((item, index) => {
      const match = /^(\d+)(?:\/(tcp|udp))?$/.exec(r.string(item, [...path, 'expose', index]));
      if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535)
        r.fail([...path, 'expose', index], 'expected a port like 8080 or "53/udp"');
      return { port: Number(match[1]), protocol: (match[2] ?? 'tcp') as 'tcp' | 'udp' };
    });
  }
  if (map.volumes !== undefined) out.volumes = parseMounts(r, map.volumes, at('volumes'), projectDir);
  if (map.tmpfs !== undefined) out.tmpfs = r.stringOrList(map.tmpfs, at('tmpfs'));
  if (map.networks !== undefined) out.networks = readNetworks(r, map.networks, at('networks'));
  if (map.depends_on !== undefined) out.depends_on = readDependsOn(r, map.depends_on, at('depends_on'));
  if (map.healthcheck !== undefined) out.healthcheck = readHealthcheck(r, map.healthcheck, at('healthcheck'));
  if (map.labels !== undefined) out.labels = nonNull(r.listOrMap(map.labels, at('labels')));
  if (map.extra_hosts !== undefined) out.extra_hosts = readExtraHosts(r, map.extra_hosts, at('extra_hosts'));
  if (map.init !== undefined) out.init = r.bool(map.init, at('init'));
  if (map.stop_grace_period !== undefined) out.stop_grace_period = r.duration(map.stop_grace_period, at('stop_grace_period'));
  if (map.profiles !== undefined) out.profiles = r.list(map.profiles, at('profiles')).map((p, i) => r.string(p, [...path, 'profiles', i]));
  if (map.scale !== undefined) out.replicas = r.int(map.scale, at('scale'));
  if (map.deploy !== undefined) readDeploy(r, map.deploy, at('deploy'), out);
  if (map.pull_policy !== undefined) {
    const policy = r.string(map.pull_policy, at('pull_policy'));
    const mapped = { always: 'always', never: 'never', missing: 'missing', if_not_present: 'missing', build: 'build' }[policy];
    if (!mapped) r.fail(at('pull_policy'), `expected always, never, missing, if_not_present or build, got ${JSON.stringify(policy)}`);
    out.pull_policy = mapped as PullPolicy | 'build';
  }
  return out;
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

function readBuild(r: Reader, value: unknown, path: KeyPath, projectDir: string): NonNullable<PartialService['build']> {
  if (typeof value === 'string') return { context: resolve(projectDir, value) };
  const map = r.keys(value, path, ['context', 'dockerfile', 'args', 'target'], ['cache_from', 'labels', 'network', 'shm_size']);
  const out: NonNullable<PartialService['build']> = {};
  if (map.context !== undefined) out.context = resolve(projectDir, r.string(map.context, [...path, 'context']));
  if (map.dockerfile !== undefined) out.dockerfile = r.string(map.dockerfile, [...path, 'dockerfile']);
  if (map.target !== undefined) out.target = r.string(map.target, [...path, 'target']);
  if (map.args !== undefined) out.args = r.listOrMap(map.args, [...path, 'args']);
  return out;
}

function readNetworks(r: Reader, value: unknown, path: KeyPath): Record<string, { aliases: string[] }> {
  const out: Record<string, { aliases: string[] }> = {};
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const name = r.string(item, [...path, index]);
      placeItem(r, path, index, name);
      out[name] = { aliases: [] };
    });
    return out;
  }
  for (const [key, item] of Object.entries(r.map(value, path))) {
    const map = r.keys(item, [...path, key], ['aliases'], ['priority']);
    const aliases =
      map.aliases === undefined
        ? []
        : r.list(map.aliases, [...path, key, 'aliases']).map((a, i) => r.string(a, [...path, key, 'aliases', i]));
    out[key] = { aliases };
  }
  return out;
}

function readDependsOn(r: Reader, value: unknown, path: KeyPath): Record<string, DependencyCondition> {
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
    const map = r.keys(item, [...path, key], ['condition'], ['restart', 'required']);
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
  const map = r.keys(
    value,
    path,
    ['replicas', 'resources'],
    ['restart_policy', 'update_config', 'rollback_config', 'placement', 'mode', 'labels', 'endpoint_mode'],
  );
  if (map.replicas !== undefined) out.replicas = r.int(map.replicas, [...path, 'replicas']);
  if (map.resources === undefined) return;
  const resources = r.keys(map.resources, [...path, 'resources'], ['limits'], ['reservations']);
  if (resources.limits === undefined) return;
  const at = [...path, 'resources', 'limits'];
  const limits = r.keys(resources.limits, at, ['cpus', 'memory']);
  out.limits = {};
  if (limits.memory !== undefined) out.limits.memoryBytes = r.bytes(limits.memory, [...at, 'memory']);
  if (limits.cpus !== undefined) {
    const cpus = Number(limits.cpus);
    if (!Number.isFinite(cpus) || cpus <= 0)
      r.fail([...at, 'cpus'], `expected a number of CPUs like 0.5, got ${JSON.stringify(limits.cpus)}`);
    out.limits.cpus = cpus;
  }
}
