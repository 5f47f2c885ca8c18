/**
 * `berth down`: removes what `berth up` of this config keeps — its up markers, and each reused
 * container they name with that container's own markers. A container another config's `berth up`
 * also keeps (the same identity) stays; only this config's marker goes. Containers of other
 * projects, of runs with BERTH_REUSE and of sessions are never touched.
 */
import { realpathSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import { findConfigFile } from '../services/discover.js';
import { removeResources } from '../session/cleanup.js';
import type { Resource } from '../session/inventory.js';
import { listReused } from '../session/reuse-sweep.js';
import { listUpMarkers } from '../session/up-markers.js';
import type { Output } from './format.js';

export interface DownResult {
  configFile: string;
  removed: Resource[];
  failed: { resource: Resource; error: string }[];
  /** Containers left running because another config's `berth up` keeps them too. */
  shared: Resource[];
  /** Sessions that were using a removed container (a test run in progress). */
  interrupted: string[];
}

/** The config file `berth up`/`down` run for, as the up markers name it (absolute, symlinks resolved). */
export function configPath(named: string | undefined, root: string = process.cwd()): string {
  return realpathSync(findConfigFile(root, named));
}

export async function down(engine: Engine, configFile: string, ttlMs: number): Promise<DownResult> {
  const [ours, groups] = await Promise.all([listUpMarkers(engine, { configFile }), listReused(engine, { ttlMs })]);
  const hashes = new Set(ours.map((m) => m.hash));
  const resources: Resource[] = [];
  const shared: Resource[] = [];
  const interrupted = new Set<string>();
  for (const group of groups) {
    if (!hashes.has(group.hash)) continue;
    const kept = group.up.some((m) => m.configFile !== configFile);
    const mine = new Set(ours.filter((m) => m.hash === group.hash).map((m) => m.name));
    for (const resource of group.resources) {
      if (!kept || mine.has(resource.id)) resources.push(resource);
      else if (resource.kind === 'container') shared.push(resource);
    }
    if (!kept) for (const h of group.holders) if (h.state !== 'dead') interrupted.add(h.session);
  }
  // A marker whose group vanished meanwhile (a sweep raced us) still goes.
  const listed = new Set(resources.map((r) => r.id));
  for (const m of ours) {
    if (!listed.has(m.name)) resources.push({ kind: 'volume', id: m.name, name: m.name, labels: {}, createdMs: m.createdMs, detail: '' });
  }
  const report = await removeResources(engine, resources);
  return {
    configFile,
    removed: report.removed,
    failed: report.failed.map((f) => ({ resource: f.resource, error: (f.error as Error)?.message ?? String(f.error) })),
    shared,
    interrupted: [...interrupted],
  };
}

export function downJson(result: DownResult) {
  return {
    config: result.configFile,
    removed: result.removed.map((r) => ({ kind: r.kind, name: r.name })),
    failed: result.failed.map((f) => ({ kind: f.resource.kind, name: f.resource.name, error: f.error })),
    shared: result.shared.map((r) => r.name),
    interrupted: result.interrupted,
  };
}

export function printDown(result: DownResult, io: Output): void {
  const containers = result.removed.filter((r) => r.kind === 'container');
  for (const r of containers) io.out(`removed  ${r.name}`);
  for (const r of result.shared) io.out(`kept     ${r.name}  (another project's \`berth up\` uses it too)`);
  for (const f of result.failed) io.err(`could not remove ${f.resource.kind} ${f.resource.name}: ${f.error}`);
  if (result.interrupted.length > 0) io.err(`berth down: a run was using them (session ${result.interrupted.join(', ')})`);
  if (result.removed.length === 0 && result.failed.length === 0) io.out(`nothing of \`berth up\` for ${result.configFile}`);
  else
    io.out(`removed ${containers.length} container(s) and ${result.removed.length - containers.length} marker(s) of ${result.configFile}`);
}
