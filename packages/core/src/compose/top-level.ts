/** Top-level `networks` and `volumes` of one file: driver, labels, `name`, `external`. */
import type { Reader } from './check.js';
import type { ComposeNetwork, ComposeVolume } from './model.js';
import type { KeyPath } from './source.js';

export type PartialNetwork = Partial<Omit<ComposeNetwork, 'key'>>;
export type PartialVolume = Partial<Omit<ComposeVolume, 'key'>>;

function external(r: Reader, value: unknown, path: KeyPath): { external: boolean; name?: string } {
  // `external: { name: x }` is the old spelling of `external: true` + `name: x`.
  if (value && typeof value === 'object') {
    const map = r.keys(value, path, ['name']);
    return { external: true, ...(map.name === undefined ? {} : { name: r.string(map.name, [...path, 'name']) }) };
  }
  return { external: r.bool(value, path) };
}

function common(r: Reader, map: Record<string, unknown>, path: KeyPath): PartialVolume {
  const out: PartialVolume = {};
  if (map.name !== undefined) out.name = r.string(map.name, [...path, 'name']);
  if (map.driver !== undefined) out.driver = r.string(map.driver, [...path, 'driver']);
  if (map.labels !== undefined) {
    out.labels = Object.fromEntries(Object.entries(r.listOrMap(map.labels, [...path, 'labels'])).map(([k, v]) => [k, v ?? '']));
  }
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
    const map = r.keys(item, [...path, key], ['name', 'external', 'driver', 'internal', 'labels'], ['attachable', 'enable_ipv6']);
    out[key] = {
      ...common(r, map, [...path, key]),
      ...(map.internal === undefined ? {} : { internal: r.bool(map.internal, [...path, key, 'internal']) }),
    };
  }
  return out;
}

export function readVolumesSection(r: Reader, value: unknown, path: KeyPath): Record<string, PartialVolume> {
  const out: Record<string, PartialVolume> = {};
  for (const [key, item] of Object.entries(r.map(value, path))) {
    out[key] = common(r, r.keys(item, [...path, key], ['name', 'external', 'driver', 'labels']), [...path, key]);
  }
  return out;
}
