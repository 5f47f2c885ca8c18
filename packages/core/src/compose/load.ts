/**
 * Files → one validated ComposeModel: parse each file (keeping lines), substitute variables, check
 * every key, resolve `extends`, merge the files in order, then resolve what needs the disk (env_file,
 * build context, secrets) and check every reference (networks, volumes, secrets, depends_on). Every
 * problem found on the way is collected, and all of them are reported in one error. Nothing here
 * touches the engine.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Reader } from './check.js';
import { resolveExtends } from './extends.js';
import { projectEnvironment } from './files.js';
import { finishService } from './finish.js';
import { absorbIncluded, type IncludeEntry, readInclude } from './include.js';
import { interpolateTree, type Lookup } from './interpolate.js';
import { mergeService } from './merge.js';
import type { ComposeFileSource, ComposeModel } from './model.js';
import { findCycle } from './plan.js';
import { type PartialService, readService } from './service-keys.js';
import { Places, parseSource } from './source.js';
import {
  type PartialFileSource,
  type PartialNetwork,
  type PartialVolume,
  readFileSources,
  readNetworksSection,
  readVolumesSection,
} from './top-level.js';

export interface LoadOptions {
  files?: string | string[];
  /** Variables for interpolation, ahead of the process environment and `.env`. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface LoadedProject {
  model: ComposeModel;
  /** Where every key is, for errors raised after loading (unknown wait override, cycle). */
  places: Places;
  /** `COMPOSE_PROFILES` / `COMPOSE_PROJECT_NAME` (else the file's `name:`) from the env option, the process or `.env`. */
  settings: { profiles: string[] | undefined; projectName: string | undefined };
}

export async function loadCompose(options: LoadOptions = {}): Promise<LoadedProject> {
  const env = await projectEnvironment(options.files, options.cwd ?? process.cwd(), options.env);
  const projectDir = dirname(env.files[0] as string);
  const sources = await Promise.all(env.files.map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
  const loaded = loadSources(sources, projectDir, env.lookup);
  return {
    ...loaded,
    settings: { profiles: env.profiles, projectName: env.projectName ?? loaded.settings.projectName },
  };
}

const TOP_KEYS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'name', 'include'];

/** The pure part of loading, over file texts already read (unit-tested without a disk layout, apart from extends' files). */
export function loadSources(
  sources: { path: string; text: string }[],
  projectDir: string,
  lookup: Lookup,
  chain: string[] = [],
): LoadedProject {
  const places = new Places();
  const r = new Reader(places);
  let services: Record<string, PartialService> = {};
  let name: string | undefined;
  const networks: Record<string, PartialNetwork> = {};
  const volumes: Record<string, PartialVolume> = {};
  const secrets: Record<string, PartialFileSource> = {};
  const configs: Record<string, PartialFileSource> = {};
  const includes: IncludeEntry[] = [];
  for (const { path, text } of sources) {
    const file = r.collect(() => parseSource(path, text));
    if (!file) continue;
    places.absorb(file.places);
    const raw = interpolateTree(file.value, [], lookup, places, r.problems) as Record<string, unknown>;
    const top = r.keys(raw, [], TOP_KEYS, { version: 'obsolete; Compose v2 ignores it too' });
    if (top.include !== undefined && top.include !== null) includes.push(...readInclude(r, top.include, path, lookup));
    if (top.name !== undefined && top.name !== null) r.collect(() => (name = r.string(top.name, ['name'])));
    const fileServices: Record<string, PartialService> = {};
    const raws = r.map(top.services, ['services']);
    for (const [key, value] of Object.entries(raws)) {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(key)) {
        r.report(['services', key], 'a service name may hold letters, digits, `_`, `.` and `-`');
        continue;
      }
      fileServices[key] = readService(r, value, ['services', key], projectDir);
    }
    for (const key of Object.keys(fileServices)) {
      r.collect(() => {
        fileServices[key] = resolveExtends(r, key, fileServices, { path, projectDir, lookup }, []);
      });
    }
    services = mergeAll(services, fileServices);
    for (const [key, value] of Object.entries(readNetworksSection(r, top.networks, ['networks'])))
      networks[key] = { ...networks[key], ...value };
    for (const [key, value] of Object.entries(readVolumesSection(r, top.volumes, ['volumes'], projectDir)))
      volumes[key] = { ...volumes[key], ...value };
    Object.assign(secrets, readFileSources(r, top.secrets, ['secrets'], projectDir, 'secrets'));
    Object.assign(configs, readFileSources(r, top.configs, ['configs'], projectDir, 'configs'));
  }

  const model: ComposeModel = {
    files: sources.map((s) => s.path),
    projectDir,
    services: {},
    networks: {},
    volumes: {},
    secrets: resolveSources(secrets, lookup),
    configs: resolveSources(configs, lookup),
  };
  for (const [key, n] of Object.entries(networks)) {
    model.networks[key] = {
      key,
      name: n.name,
      external: n.external ?? false,
      driver: n.driver,
      internal: n.internal ?? false,
      labels: n.labels ?? {},
      driverOpts: n.driverOpts ?? {},
      ipam: n.ipam,
      enableIpv6: n.enableIpv6 ?? false,
      attachable: n.attachable ?? false,
    };
  }
  for (const [key, v] of Object.entries(volumes)) {
    model.volumes[key] = {
      key,
      name: v.name,
      external: v.external ?? false,
      driver: v.driver,
      labels: v.labels ?? {},
      driverOpts: v.driverOpts ?? {},
    };
  }
  for (const entry of includes) {
    const loop = entry.files.find((f) => chain.includes(f) || sources.some((s) => s.path === f));
    if (loop) {
      r.report(entry.path, `include loops back to ${loop}`);
      continue;
    }
    const included = r.collect(
      () =>
        loadSources(
          entry.files.map((f) => ({ path: f, text: readFileSync(f, 'utf8') })),
          entry.projectDir,
          entry.lookup,
          [...chain, ...sources.map((s) => s.path)],
        ).model,
    );
    if (included) absorbIncluded(r, model, included, entry.path, Object.keys(services));
  }
  const names = [...Object.keys(services), ...Object.keys(model.services)];
  if (names.length === 0 && r.problems.length === 0) r.report(['services'], 'the project defines no services');
  for (const [key, partial] of Object.entries(services)) {
    const service = r.collect(() => finishService(r, key, partial, model, lookup, names));
    if (service) model.services[key] = service;
  }
  r.collect(() => checkDependencies(r, model, names));
  r.done();
  return { model, places, settings: { profiles: undefined, projectName: name } };
}

function resolveSources(sources: Record<string, PartialFileSource>, lookup: Lookup): Record<string, ComposeFileSource> {
  return Object.fromEntries(
    Object.entries(sources).map(([key, s]) => [key, s.kind === 'environment' ? { ...s, value: lookup(s.variable) } : s]),
  );
}

function mergeAll(base: Record<string, PartialService>, override: Record<string, PartialService>): Record<string, PartialService> {
  const out = { ...base };
  for (const [name, service] of Object.entries(override))
    out[name] = out[name] ? mergeService(out[name] as PartialService, service) : service;
  return out;
}

/** Every `depends_on` names a service of the project, and there is no cycle (Compose refuses both at load). */
function checkDependencies(r: Reader, model: ComposeModel, names: string[]): void {
  const before = r.problems.length;
  for (const service of Object.values(model.services)) {
    for (const dep of Object.keys(service.dependsOn)) {
      if (!names.includes(dep)) {
        r.report(
          ['services', service.name, 'depends_on', dep],
          `depends on ${JSON.stringify(dep)}, which is not a service of this project`,
          `services: ${names.join(', ')}`,
        );
      }
    }
  }
  // A cycle is only looked for in a project whose services all loaded.
  if (r.problems.length > before || Object.keys(model.services).length < names.length) return;
  const cycle = findCycle(model);
  if (cycle) {
    r.fail(
      ['services', cycle[0] as string, 'depends_on'],
      `dependency cycle: ${cycle.join(' → ')}`,
      'remove one of these depends_on entries',
    );
  }
}
