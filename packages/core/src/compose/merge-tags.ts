/**
 * Compose's merge tags on a service's keys: `key: !reset ...` unsets what earlier files (or the
 * service it `extends`) set, `key: !override ...` replaces it instead of merging; `!reset` on one
 * entry of a mapping (`environment: { FOO: !reset null }`) drops that entry. Read from the raw
 * service here (before its keys are checked), applied when partials are merged (merge.ts).
 */
import { Override, RESET } from './source.js';

/** Raw key → where its value lives in a PartialService. */
const PARTIAL_PATHS: Record<string, string[][]> = {
  scale: [['replicas']],
  deploy: [['replicas'], ['limits']],
  mem_limit: [['limits', 'memoryBytes']],
  cpus: [['limits', 'cpus']],
  pids_limit: [['limits', 'pids']],
  ulimits: [['system', 'ulimits']],
  sysctls: [['system', 'sysctls']],
  security_opt: [['system', 'securityOpt']],
  dns: [['system', 'dns']],
  dns_search: [['system', 'dnsSearch']],
  dns_opt: [['system', 'dnsOptions']],
  group_add: [['system', 'groupAdd']],
  devices: [['system', 'devices']],
  mac_address: [['system', 'macAddress']],
  ipc: [['system', 'ipc']],
  pid: [['system', 'pid']],
  uts: [['system', 'uts']],
  userns_mode: [['system', 'usernsMode']],
  cgroup: [['system', 'cgroupns']],
  runtime: [['system', 'runtime']],
  domainname: [['system', 'domainname']],
  read_only: [['system', 'readOnlyRootfs']],
};

function partialPaths(key: string): string[][] {
  return PARTIAL_PATHS[key] ?? [[key]];
}

export interface MergeTags {
  /** Paths (in a PartialService) to unset in what was merged before. */
  resets: string[][];
  /** Paths whose value replaces the earlier one instead of merging with it. */
  overrides: string[][];
}

/** Takes the tags out of a raw service mapping (in place) and says where they apply. */
export function takeMergeTags(raw: Record<string, unknown>): MergeTags {
  const tags: MergeTags = { resets: [], overrides: [] };
  for (const [key, value] of Object.entries(raw)) {
    if (value === RESET) {
      tags.resets.push(...partialPaths(key));
      delete raw[key];
      continue;
    }
    if (value instanceof Override) {
      tags.overrides.push(...partialPaths(key));
      raw[key] = value.value;
    }
    const inner = raw[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const entries = inner as Record<string, unknown>;
      for (const [sub, item] of Object.entries(entries)) {
        if (item !== RESET) continue;
        for (const path of partialPaths(key)) tags.resets.push([...path, sub]);
        delete entries[sub];
      }
    }
  }
  return tags;
}

/** Applies `override`'s tags to the merge of base and override (`merged`, a fresh object). */
export function applyMergeTags<T extends object>(merged: T, override: T, tags: MergeTags | undefined): T {
  if (!tags) return merged;
  const out = merged as Record<string, unknown>;
  for (const path of tags.overrides) {
    const value = get(override as Record<string, unknown>, path);
    if (value !== undefined) set(out, path, value);
  }
  for (const path of tags.resets) unset(out, path);
  return merged;
}

function get(object: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = object;
  for (const part of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** Copy-on-write: objects on the way are copied, so the base partial is never changed. */
function set(object: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    object[head] = value;
    return;
  }
  const child = object[head];
  object[head] = child && typeof child === 'object' ? { ...(child as object) } : {};
  set(object[head] as Record<string, unknown>, rest, value);
}

function unset(object: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    delete object[head];
    return;
  }
  const child = object[head];
  if (!child || typeof child !== 'object' || Array.isArray(child)) return;
  object[head] = { ...(child as object) };
  unset(object[head] as Record<string, unknown>, rest);
}
