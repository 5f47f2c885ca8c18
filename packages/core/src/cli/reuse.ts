/**
 * The reuse side of `berth ls` and `berth prune`: reused containers grouped by identity hash (with
 * last use, what holds them and whether the TTL has passed), and initialised-image cache entries.
 * `prune --reuse` removes every reused group no live session holds (whatever its age) and no
 * `berth up` keeps; `prune --cache` removes every cache image.
 */
import type { Engine } from '../engine/engine.js';
import { removeResources } from '../session/cleanup.js';
import type { Resource } from '../session/inventory.js';
import { Labels } from '../session/labels.js';
import { listReused, type ReusedGroup } from '../session/reuse-sweep.js';
import { columns, formatAge, type Output } from './format.js';

export interface ReuseListing {
  reused: ReusedGroup[];
  cache: Resource[];
}

export async function listReuse(engine: Engine, ttlMs: number): Promise<ReuseListing> {
  const [reused, images] = await Promise.all([listReused(engine, { ttlMs }), engine.listImages({ [Labels.cache]: true })]);
  const cache = images.map(
    (i): Resource => ({
      kind: 'image',
      id: i.Id,
      name: i.RepoTags?.find((t) => t !== '<none>:<none>') ?? i.Id.slice(7, 19),
      labels: i.Labels ?? {},
      createdMs: i.Created ? i.Created * 1000 : undefined,
      detail: `inputs ${(i.Labels?.[Labels.cache] ?? '').slice(0, 16)}`,
    }),
  );
  return { reused, cache };
}

export function reuseJson(listing: ReuseListing) {
  return {
    reused: listing.reused.map((g) => ({
      hash: g.hash,
      lastUse: g.lastUseMs === undefined ? null : new Date(g.lastUseMs).toISOString(),
      heldBy: g.holders.filter((h) => h.state !== 'dead').map((h) => h.session),
      up: g.up.map((m) => ({ config: m.configFile, service: m.service ?? null })),
      expired: g.expired,
      resources: g.resources.map((r) => ({ kind: r.kind, id: r.id, name: r.name, detail: r.detail })),
    })),
    cache: listing.cache.map((r) => ({ id: r.id, tag: r.name, inputs: r.labels[Labels.cache] ?? null })),
  };
}

export function holdersText(group: ReusedGroup): string {
  const live = group.holders.filter((h) => h.state !== 'dead');
  if (live.length > 0) return `held by session ${live.map((h) => h.session).join(', ')}`;
  if (group.up.length > 0 && !group.expired) return 'kept by `berth up` until its TTL (`berth down` removes it)';
  return group.expired ? 'idle past its TTL (next sweep removes it)' : 'idle, kept until its TTL';
}

export function printReuse(listing: ReuseListing, io: Output, now = Date.now()): void {
  if (listing.reused.length > 0) {
    io.out('reused (kept across runs; `berth prune --reuse` removes the idle ones)');
    for (const group of listing.reused) {
      io.out(`  reuse ${group.hash.slice(0, 16)}  last use ${formatAge(group.lastUseMs, now)} ago  ${holdersText(group)}`);
      for (const line of columns(
        group.resources.map((r) => [r.kind, r.name, r.detail]),
        '    ',
      )) {
        io.out(line);
      }
    }
  }
  if (listing.cache.length > 0) {
    io.out('initialised-image cache (`berth prune --cache` removes it)');
    for (const line of columns(
      listing.cache.map((r) => ['image', r.name, formatAge(r.createdMs, now), r.detail]),
      '  ',
    )) {
      io.out(line);
    }
  }
}

export interface ReusePruneResult {
  groups: ReusedGroup[];
  cache: Resource[];
  removed: Resource[];
  failed: { resource: Resource; error: string }[];
}

export async function pruneReuse(
  engine: Engine,
  options: { reuse: boolean; cache: boolean; dryRun: boolean; ttlMs: number },
): Promise<ReusePruneResult> {
  const listing = await listReuse(engine, options.ttlMs);
  // `berth up` asked to keep its services until `berth down` or its TTL: not idle in this sense.
  const idle = (g: ReusedGroup) => !g.holders.some((h) => h.state !== 'dead') && (g.up.length === 0 || g.expired);
  const groups = options.reuse ? listing.reused.filter(idle) : [];
  const cache = options.cache ? listing.cache : [];
  const resources = [...groups.flatMap((g) => g.resources), ...cache];
  if (options.dryRun) return { groups, cache, removed: resources, failed: [] };
  const report = await removeResources(engine, resources);
  return {
    groups,
    cache,
    removed: report.removed,
    failed: report.failed.map((f) => ({ resource: f.resource, error: (f.error as Error).message ?? String(f.error) })),
  };
}

export function printReusePrune(result: ReusePruneResult, dryRun: boolean, io: Output): void {
  const verb = dryRun ? 'would remove' : 'removed';
  const failed = new Set(result.failed.map((f) => f.resource));
  for (const r of [...result.groups.flatMap((g) => g.resources), ...result.cache]) {
    io.out(`${failed.has(r) ? 'FAILED' : verb}  ${r.kind}  ${r.name}`);
  }
  for (const f of result.failed) io.err(`could not remove ${f.resource.kind} ${f.resource.name}: ${f.error}`);
  io.out(`${verb} ${result.removed.length} reuse/cache resource(s)${result.failed.length ? `, ${result.failed.length} failed` : ''}`);
}
