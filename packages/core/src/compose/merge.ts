/**
 * Merging a service from several files (`-f base.yml -f override.yml`), with compose's rules: a
 * scalar (image, command, entrypoint, user, ...) is replaced; mappings (environment, labels,
 * extra_hosts, depends_on, build args, resource limits) merge key by key; ports, expose and profiles
 * are unioned; volumes merge by their target path; network aliases are unioned per network;
 * env_file and tmpfs are concatenated; a healthcheck merges field by field unless the override
 * disables it.
 */
import type { ComposeMount, ComposePort } from './model.js';
import type { PartialService } from './service-keys.js';

export function mergeService(base: PartialService, override: PartialService): PartialService {
  const out: PartialService = { ...base };
  for (const key of Object.keys(override) as (keyof PartialService)[]) {
    const a = base[key];
    const b = override[key];
    if (b === undefined) continue;
    (out as Record<string, unknown>)[key] = a === undefined ? b : mergeField(key, a, b);
  }
  return out;
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
    case 'expose':
    case 'profiles':
      return unique([...(a as unknown[]), ...(b as unknown[])]);
    case 'env_file':
    case 'tmpfs':
      return [...(a as unknown[]), ...(b as unknown[])];
    case 'volumes':
      return mergeMounts(a as ComposeMount[], b as ComposeMount[]);
    case 'networks': {
      const x = a as Record<string, { aliases: string[] }>;
      const y = b as Record<string, { aliases: string[] }>;
      const merged: Record<string, { aliases: string[] }> = { ...x };
      for (const [name, value] of Object.entries(y)) {
        merged[name] = { aliases: unique([...(x[name]?.aliases ?? []), ...value.aliases]) };
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
