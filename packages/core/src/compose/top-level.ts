/** Top-level `networks`, `volumes`, `secrets` and `configs` of one file. */
import { resolve } from 'node:path';
import type { Reader } from './check.js';
import type { ComposeNetwork, ComposeVolume } from './model.js';
import type { KeyPath } from './source.js';

export type PartialNetwork = Partial<Omit<ComposeNetwork, 'key'>>;
export type PartialVolume = Partial<Omit<ComposeVolume, 'key'>>;
/** A secret or config before the lookup of an `environment` source. */
export type PartialFileSource =
  | { kind: 'file'; path: string }
  | { kind: 'environment'; variable: string }
  | { kind: 'content'; content: string };

function external(r: Reader, value: unknown, path: KeyPath): { external: boolean; name?: string } {
  // `external: { name: x }` is the old spelling of `external: true` + `name: x`.
  if (value && typeof value === 'object') {
    const map = r.keys(value, path, ['name']);
    return { external: true, ...(map.name === undefined ? {} : { name: r.string(map.name, [...path, 'name']) }) };
  }
  return { external: r.bool(value, path) };
}

function stringMap(r: Reader, value: unknown, path: KeyPath): Record<string, string> {
  return Object.fromEntries(Object.entries(r.listOrMap(value, path)).map(([k, v]) => [k, v ?? '']));
}

function common(r: Reader, map: Record<string, unknown>, path: KeyPath): PartialVolume {
  const out: PartialVolume = {};
  if (map.name !== undefined) out.name = r.string(map.name, [...path, 'name']);
  if (map.driver !== undefined) out.driver = r.string(map.driver, [...path, 'driver']);
  if (map.labels !== undefined) out.labels = stringMap(r, map.labels, [...path, 'labels']);
  if (map.driver_opts !== undefined) out.driverOpts = stringMap(r, map.driver_opts, [...path, 'driver_opts']);
  if (map.external !== undefined) {
    const ext = external(r, map.external, [...path, 'external']);
    out.external = ext.external;
    if (ext.name) out.name = ext.name;
  }
  return out;
}

export function readNetworksSection(r: Reader, value: unknown, path: KeyPath): Record<string, PartialNetwork> {
  const out: Record<string, PartialNetwork> = {};
  for (const [key, item] of Object.entries(r.map(value, path))) {
    r.collect(() => {
      const at = [...path, key];
      const map = r.keys(
        item,
        at,
        ['name', 'external', 'driver', 'driver_opts', 'internal', 'labels', 'ipam', 'enable_ipv6', 'attachable'],
        { enable_ipv4: 'IPv4 is always on with engine API 1.41' },
      );
      const network: PartialNetwork = common(r, map, at);
      if (map.internal !== undefined) network.internal = r.bool(map.internal, [...at, 'internal']);
      if (map.enable_ipv6 !== undefined) network.enableIpv6 = r.bool(map.enable_ipv6, [...at, 'enable_ipv6']);
      if (map.attachable !== undefined) network.attachable = r.bool(map.attachable, [...at, 'attachable']);
      if (map.ipam !== undefined && map.ipam !== null) network.ipam = readIpam(r, map.ipam, [...at, 'ipam']);
      out[key] = network;
    });
  }
  return out;
}

function readIpam(r: Reader, value: unknown, path: KeyPath): NonNullable<ComposeNetwork['ipam']> {
  const map = r.keys(value, path, ['driver', 'config'], {}, { options: 'IPAM driver options depend on a third-party IPAM driver' });
  const ipam: NonNullable<ComposeNetwork['ipam']> = { config: [] };
  if (map.driver !== undefined) ipam.driver = r.string(map.driver, [...path, 'driver']);
  if (map.config !== undefined && map.config !== null) {
    ipam.config = r.list(map.config, [...path, 'config']).map((item, index) => {
      const at = [...path, 'config', index];
      const pool = r.keys(item, at, ['subnet', 'ip_range', 'gateway'], {
        aux_addresses: 'reserved addresses only matter to a DHCP-less driver',
      });
      return {
        ...(pool.subnet === undefined ? {} : { subnet: r.string(pool.subnet, [...at, 'subnet']) }),
        ...(pool.ip_range === undefined ? {} : { ipRange: r.string(pool.ip_range, [...at, 'ip_range']) }),
        ...(pool.gateway === undefined ? {} : { gateway: r.string(pool.gateway, [...at, 'gateway']) }),
      };
    });
  }
  return ipam;
}

export function readVolumesSection(r: Reader, value: unknown, path: KeyPath, projectDir: string): Record<string, PartialVolume> {
  const out: Record<string, PartialVolume> = {};
  for (const [key, item] of Object.entries(r.map(value, path))) {
    r.collect(() => {
      const volume = common(r, r.keys(item, [...path, key], ['name', 'external', 'driver', 'driver_opts', 'labels']), [...path, key]);
      // A local bind volume's `device` is a host path, relative to the project folder (as Compose v2 resolves it).
      const opts = volume.driverOpts;
      if (opts?.device !== undefined && (volume.driver ?? 'local') === 'local' && (opts.o ?? '').split(',').includes('bind')) {
        volume.driverOpts = { ...opts, device: resolve(projectDir, opts.device) };
      }
      out[key] = volume;
    });
  }
  return out;
}

/**
 * Top-level `secrets` or `configs`: `file` (relative to the project folder), `environment` (a variable's
 * value), or `content` (configs; inline text). External ones live in a swarm, which a test engine is not.
 */
export function readFileSources(
  r: Reader,
  value: unknown,
  path: KeyPath,
  projectDir: string,
  kind: 'secrets' | 'configs',
): Record<string, PartialFileSource> {
  const out: Record<string, PartialFileSource> = {};
  const sources = kind === 'configs' ? ['file', 'environment', 'content'] : ['file', 'environment'];
  for (const [key, item] of Object.entries(r.map(value, path))) {
    r.collect(() => {
      const at = [...path, key];
      const map = r.keys(
        item,
        at,
        [...sources, 'external', 'name'],
        { labels: 'labels of a swarm object', template_driver: 'no templating outside swarm' },
        { driver: 'secret drivers are a swarm feature', driver_opts: 'secret drivers are a swarm feature' },
      );
      if (map.external !== undefined && map.external !== false && map.external !== 'false') {
        r.fail([...at, 'external'], `external ${kind} live in a swarm, which berth does not use`, 'use `file` or `environment`');
      }
      const given = sources.filter((s) => map[s] !== undefined);
      if (given.length !== 1) r.fail(at, `expected exactly one of ${sources.join(', ')}`);
      if (map.file !== undefined) out[key] = { kind: 'file', path: resolve(projectDir, r.string(map.file, [...at, 'file'])) };
      else if (map.environment !== undefined)
        out[key] = { kind: 'environment', variable: r.string(map.environment, [...at, 'environment']) };
      else out[key] = { kind: 'content', content: r.string(map.content, [...at, 'content']) };
    });
  }
  return out;
}
