/**
 * Merging a service from several files (`-f base.yml -f override.yml`), with compose's rules: a
 * scalar (image, command, entrypoint, user, ...) is replaced; mappings (environment, labels,
 * extra_hosts, depends_on, build args, resource limits, ulimits, sysctls) merge key by key; ports,
 * expose, profiles, links, volumes_from, cap_add/cap_drop, dns*, security_opt, devices, secrets and
 * configs are unioned; volumes merge by their target path; network aliases are unioned per network;
 * env_file and tmpfs are concatenated; a healthcheck merges field by field unless the override
 * disables it.
 */
import type { SystemSettings } from '../container/spec.js';
import { applyMergeTags } from './merge-tags.js';
import type { ComposeMount, ComposeNetworkAttachment, ComposePort } from './model.js';
import type { PartialService } from './service-keys.js';

export function mergeService(base: PartialService, override: PartialService): PartialService {
  const out: PartialService = { ...base };
  for (const key of Object.keys(override) as (keyof PartialService)[]) {
    const a = base[key];
    const b = override[key];
    if (b === undefined || key === 'tags') continue;
    (out as Record<string, unknown>)[key] = a === undefined ? b : mergeField(key, a, b);
  }
  // The override's tags apply to this merge only.
  delete out.tags;
  return applyMergeTags(out, override, override.tags);
}

function mergeField(key: keyof PartialService, a: unknown, b: unknown): unknown {
  switch (key) {
    case 'environment':
    case 'labels':
    case 'extra_hosts':
    case 'depends_on':
    case 'limits':
      return { ...(a as object), ...(b as object) };
    case 'build': {
      const x = a as NonNullable<PartialService['build']>;
      const y = b as NonNullable<PartialService['build']>;
      return { ...x, ...y, ...(x.args || y.args ? { args: { ...x.args, ...y.args } } : {}) };
    }
    case 'ports':
      return mergePorts(a as ComposePort[], b as ComposePort[]);
    case 'failed':
    case 'optional_deps':
    case 'expose':
    case 'profiles':
    case 'links':
    case 'volumes_from':
    case 'cap_add':
    case 'cap_drop':
    case 'secrets':
    case 'configs':
      return unique([...(a as unknown[]), ...(b as unknown[])]);
    case 'system':
      return mergeSystem(a as SystemSettings, b as SystemSettings);
    case 'env_file':
    case 'tmpfs':
      return [...(a as unknown[]), ...(b as unknown[])];
    case 'volumes':
      return mergeMounts(a as ComposeMount[], b as ComposeMount[]);
    case 'networks': {
      const x = a as Record<string, ComposeNetworkAttachment>;
      const y = b as Record<string, ComposeNetworkAttachment>;
      const merged: Record<string, ComposeNetworkAttachment> = { ...x };
      for (const [name, value] of Object.entries(y)) {
        merged[name] = { ...x[name], ...value, aliases: unique([...(x[name]?.aliases ?? []), ...value.aliases]) };
      }
      return merged;
    }
    case 'healthcheck': {
      const y = b as NonNullable<PartialService['healthcheck']>;
      if (y.disable) return y;
      const { disable: _, ...x } = a as NonNullable<PartialService['healthcheck']>;
      return { ...x, ...y };
    }
    default:
      return b;
  }
}

/** Lists (dns, security_opt, devices, ...) are unioned, mappings (ulimits, sysctls) merged, scalars replaced. */
function mergeSystem(a: SystemSettings, b: SystemSettings): SystemSettings {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const base = (a as Record<string, unknown>)[key];
    if (Array.isArray(value) && Array.isArray(base)) out[key] = unique([...base, ...value]);
    else if (value && typeof value === 'object' && base && typeof base === 'object') out[key] = { ...base, ...value };
    else out[key] = value;
  }
  return out as SystemSettings;
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Union of both lists (an identical port once), ordered by container port as compose orders them. */
function mergePorts(a: ComposePort[], b: ComposePort[]): ComposePort[] {
  return unique([...a, ...b]).sort((x, y) => x.target - y.target);
}

/** One mount per container path; the override's wins, in the base's order, new ones after. */
function mergeMounts(a: ComposeMount[], b: ComposeMount[]): ComposeMount[] {
  const byTarget = new Map<string, ComposeMount>();
  for (const mount of [...a, ...b]) byTarget.set(mount.target, mount);
  return [...byTarget.values()];
}
