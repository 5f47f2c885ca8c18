/**
 * Files → one validated ComposeModel: parse each file (keeping lines), substitute variables, check
 * every key, merge the files in order, then resolve what needs the disk (env_file, build context)
 * and check every reference (networks, volumes, depends_on). Nothing here touches the engine.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Reader } from './check.js';
import { parseEnvFile } from './dotenv.js';
import { projectEnvironment } from './files.js';
import { interpolateTree, type Lookup } from './interpolate.js';
import { mergeService } from './merge.js';
import type { ComposeModel, ComposeService } from './model.js';
import { findCycle } from './plan.js';
import { type PartialService, readService } from './service-keys.js';
import { Places, parseSource } from './source.js';
import { type PartialNetwork, type PartialVolume, readNetworksSection, readVolumesSection } from './top-level.js';

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

/** The pure part of loading, over file texts already read (unit-tested without a disk layout). */
export function loadSources(sources: { path: string; text: string }[], projectDir: string, lookup: Lookup): LoadedProject {
  const places = new Places();
  const r = new Reader(places);
  let services: Record<string, PartialService> = {};
  let name: string | undefined;
  const networks: Record<string, PartialNetwork> = {};
  const volumes: Record<string, PartialVolume> = {};
  for (const { path, text } of sources) {
    const file = parseSource(path, text);
    places.absorb(file.places);
    const raw = interpolateTree(file.value, [], lookup, places) as Record<string, unknown>;
    const top = r.keys(raw, [], ['services', 'networks', 'volumes', 'name'], ['version']);
    if (top.name !== undefined && top.name !== null) name = r.string(top.name, ['name']);
    const fileServices: Record<string, PartialService> = {};
    for (const [name, value] of Object.entries(r.map(top.services, ['services']))) {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name))
        r.fail(['services', name], 'a service name may hold letters, digits, `_`, `.` and `-`');
      fileServices[name] = readService(r, value, ['services', name], projectDir);
    }
    services = mergeAll(services, fileServices);
    for (const [key, value] of Object.entries(readNetworksSection(r, top.networks, ['networks'])))
      networks[key] = { ...networks[key], ...value };
    for (const [key, value] of Object.entries(readVolumesSection(r, top.volumes, ['volumes'])))
      volumes[key] = { ...volumes[key], ...value };
  }
  if (Object.keys(services).length === 0) r.fail(['services'], 'the project defines no services');

  const model: ComposeModel = {
    files: sources.map((s) => s.path),
    projectDir,
    services: {},
    networks: {},
    volumes: {},
  };
  for (const [key, n] of Object.entries(networks)) {
    model.networks[key] = {
      key,
      name: n.name,
      external: n.external ?? false,
      driver: n.driver,
      internal: n.internal ?? false,
      labels: n.labels ?? {},
    };
  }
  for (const [key, v] of Object.entries(volumes)) {
    model.volumes[key] = { key, name: v.name, external: v.external ?? false, driver: v.driver, labels: v.labels ?? {} };
  }
  for (const [key, partial] of Object.entries(services)) model.services[key] = finish(r, key, partial, model, lookup);
  checkDependencies(r, model);
  return { model, places, settings: { profiles: undefined, projectName: name } };
}

function mergeAll(base: Record<string, PartialService>, override: Record<string, PartialService>): Record<string, PartialService> {
  const out = { ...base };
  for (const [name, service] of Object.entries(override))
    out[name] = out[name] ? mergeService(out[name] as PartialService, service) : service;
  return out;
}

function finish(r: Reader, name: string, s: PartialService, model: ComposeModel, lookup: Lookup): ComposeService {
  const at = (...keys: (string | number)[]) => ['services', name, ...keys];
  if (!s.image && !s.build) r.fail(at(), 'a service needs `image` or `build`');
  if (s.build && !s.build.context) r.fail(at('build'), 'expected `build.context`');
  if (s.build?.context) {
    if (!existsSync(s.build.context) || !statSync(s.build.context).isDirectory()) {
      r.fail(at('build', 'context'), `build context ${s.build.context} is not a folder`, 'paths are relative to the first compose file');
    }
  }
  const environment: Record<string, string> = {};
  (s.env_file ?? []).forEach((file, index) => {
    if (!existsSync(file)) r.fail(at('env_file', index), `env_file ${file} does not exist`, 'paths are relative to the first compose file');
    Object.assign(environment, parseEnvFile(readFileSync(file, 'utf8'), { lookup, path: file }));
  });
  for (const [key, value] of Object.entries(s.environment ?? {})) {
    // `KEY` with no value takes the variable from the environment compose sees, or leaves it out.
    const resolved = value ?? lookup(key);
    if (resolved !== undefined) environment[key] = resolved;
  }
  const networks = s.networks ?? { default: { aliases: [] } };
  for (const key of Object.keys(networks)) {
    if (key !== 'default' && !model.networks[key]) {
      r.fail(at('networks', key), `network ${JSON.stringify(key)} is not declared under the top-level \`networks\``);
    }
  }
  (s.volumes ?? []).forEach((mount, index) => {
    if (mount.type === 'volume' && mount.source !== undefined && !model.volumes[mount.source]) {
      r.fail(
        at('volumes', index),
        `named volume ${JSON.stringify(mount.source)} is not declared under the top-level \`volumes\``,
        'declare it, or start the source with ./ for a bind mount',
      );
    }
  });
  let healthcheck: ComposeService['healthcheck'];
  if (s.healthcheck) {
    const { disable, ...rest } = s.healthcheck;
    if (!disable && !rest.test && Object.keys(rest).length > 0) {
      r.fail(
        at('healthcheck'),
        "a healthcheck without `test` (timings for the image's own check) is not supported",
        'repeat the test command here',
      );
    }
    // `disable: false` alone (or with nothing else) changes nothing, as in Compose v2.
    if (disable) healthcheck = { test: ['NONE'] };
    else if (Object.keys(rest).length > 0) healthcheck = { ...rest, test: rest.test };
  }
  if (s.pull_policy === 'build' && !s.build) r.fail(at('pull_policy'), '`pull_policy: build` needs a `build` section');
  return {
    name,
    image: s.image,
    build: s.build?.context
      ? {
          context: s.build.context,
          ...(s.build.dockerfile ? { dockerfile: s.build.dockerfile } : {}),
          ...(s.build.target ? { target: s.build.target } : {}),
          args: Object.fromEntries(
            Object.entries(s.build.args ?? {}).flatMap(([k, v]) => {
              const value = v ?? lookup(k);
              return value === undefined ? [] : [[k, value]];
            }),
          ),
        }
      : undefined,
    command: s.command,
    entrypoint: s.entrypoint,
    environment,
    ports: s.ports ?? [],
    expose: s.expose ?? [],
    mounts: s.volumes ?? [],
    tmpfs: s.tmpfs ?? [],
    networks,
    dependsOn: s.depends_on ?? {},
    healthcheck,
    labels: s.labels ?? {},
    user: s.user,
    workingDir: s.working_dir,
    hostname: s.hostname,
    extraHosts: s.extra_hosts ?? {},
    init: s.init,
    stopGracePeriodMs: s.stop_grace_period,
    profiles: s.profiles ?? [],
    replicas: s.replicas ?? 1,
    limits: s.limits ?? {},
    pullPolicy: s.pull_policy,
  };
}

/** Every `depends_on` names a service of the project, and there is no cycle (Compose refuses both at load). */
function checkDependencies(r: Reader, model: ComposeModel): void {
  for (const service of Object.values(model.services)) {
    for (const dep of Object.keys(service.dependsOn)) {
      if (!Object.hasOwn(model.services, dep)) {
        r.fail(
          ['services', service.name, 'depends_on', dep],
          `depends on ${JSON.stringify(dep)}, which is not a service of this project`,
          `services: ${Object.keys(model.services).join(', ')}`,
        );
      }
    }
  }
  const cycle = findCycle(model);
  if (cycle) {
    r.fail(
      ['services', cycle[0] as string, 'depends_on'],
      `dependency cycle: ${cycle.join(' → ')}`,
      'remove one of these depends_on entries',
    );
  }
}
