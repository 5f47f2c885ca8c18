/**
 * One merged service → its final ComposeService: what needs the disk (env_file, build context,
 * secret files), references to the project's networks, volumes, secrets and configs, and the
 * dependencies Compose adds on its own (`links`, `volumes_from` and `network_mode: service:x` make a
 * service start after the one they name).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Reader } from './check.js';
import { parseEnvFile } from './dotenv.js';
import type { Lookup } from './interpolate.js';
import type { ComposeFileMount, ComposeModel, ComposeService, DependencyCondition } from './model.js';
import type { FileMountEntry, PartialService } from './service-keys.js';

export function finishService(
  r: Reader,
  name: string,
  s: PartialService,
  model: ComposeModel,
  lookup: Lookup,
  names: string[],
): ComposeService {
  const at = (...keys: (string | number)[]) => ['services', name, ...keys];
  const check = (fn: () => void) => {
    r.collect(fn);
  };
  const failed = s.failed ?? [];
  if (!s.image && !s.build && !failed.includes('build') && !failed.includes('image')) r.report(at(), 'a service needs `image` or `build`');
  if (s.build && !s.build.context) r.report(at('build'), 'expected `build.context`');
  if (s.build?.context && (!existsSync(s.build.context) || !statSync(s.build.context).isDirectory())) {
    r.report(at('build', 'context'), `build context ${s.build.context} is not a folder`, 'paths are relative to the first compose file');
  }
  const environment: Record<string, string> = {};
  (s.env_file ?? []).forEach((file, index) => {
    if (!existsSync(file.path)) {
      if (file.required)
        r.report(at('env_file', index), `env_file ${file.path} does not exist`, 'paths are relative to the first compose file');
      return;
    }
    check(() => Object.assign(environment, parseEnvFile(readFileSync(file.path, 'utf8'), { lookup, path: file.path })));
  });
  for (const [key, value] of Object.entries(s.environment ?? {})) {
    // `KEY` with no value takes the variable from the environment compose sees, or leaves it out.
    const resolved = value ?? lookup(key);
    if (resolved !== undefined) environment[key] = resolved;
  }
  // `network_mode: bridge` is the engine's default bridge, not the project's network (as in Compose v2).
  const ownNetwork = s.network_mode === undefined;
  const networks = ownNetwork ? (s.networks ?? { default: { aliases: [] } }) : {};
  for (const key of Object.keys(networks)) {
    if (key !== 'default' && !model.networks[key]) {
      r.report(at('networks', key), `network ${JSON.stringify(key)} is not declared under the top-level \`networks\``);
    }
  }
  (s.volumes ?? []).forEach((mount, index) => {
    if (mount.type === 'volume' && mount.source !== undefined && !model.volumes[mount.source]) {
      r.report(
        at('volumes', index),
        `named volume ${JSON.stringify(mount.source)} is not declared under the top-level \`volumes\``,
        'declare it, or start the source with ./ for a bind mount',
      );
    }
  });

  // Dependencies Compose adds by itself, each checked at its own key.
  const implicit: Record<string, DependencyCondition> = {};
  const needService = (service: string, path: (string | number)[], what: string) => {
    if (!names.includes(service)) r.report(path, `${what} ${JSON.stringify(service)}, which is not a service of this project`);
    else implicit[service] = 'service_started';
  };
  (s.links ?? []).forEach((link, index) => {
    needService(link.split(':')[0] as string, at('links', index), 'links to');
  });
  (s.volumes_from ?? []).forEach((entry, index) => {
    const parts = entry.split(':');
    if (parts[0] === 'container') return;
    needService((parts[0] === 'service' ? parts[1] : parts[0]) as string, at('volumes_from', index), 'takes volumes from');
  });
  if (s.network_mode?.startsWith('service:'))
    needService(s.network_mode.slice('service:'.length), at('network_mode'), 'shares the network of');
  for (const [key, value] of [
    ['ipc', s.system?.ipc],
    ['pid', s.system?.pid],
  ] as const) {
    if (value?.startsWith('service:')) needService(value.slice('service:'.length), at(key), `shares the ${key} namespace of`);
  }
  // `required: false` dependencies on services the project does not have are dropped.
  const dependsOn = Object.fromEntries(
    Object.entries(s.depends_on ?? {}).filter(([dep]) => names.includes(dep) || !(s.optional_deps ?? []).includes(dep)),
  );

  let healthcheck: ComposeService['healthcheck'];
  if (s.healthcheck) {
    const { disable, ...rest } = s.healthcheck;
    // `disable: false` alone changes nothing; timings without `test` tune the image's own check.
    if (disable) healthcheck = { test: ['NONE'] };
    else if (Object.keys(rest).length > 0) healthcheck = { ...rest, test: rest.test };
  }
  if (s.pull_policy === 'build' && !s.build) r.report(at('pull_policy'), '`pull_policy: build` needs a `build` section');
  const secrets = fileMounts(r, s.secrets ?? [], model, 'secrets', at);
  const configs = fileMounts(r, s.configs ?? [], model, 'configs', at);
  if (s.system?.readOnlyRootfs) {
    for (const kind of ['secrets', 'configs'] as const) {
      (kind === 'secrets' ? secrets : configs).forEach((mount, index) => {
        if (model[kind][mount.source]?.kind === 'file') return;
        r.report(
          at(kind, index),
          `${mount.source} is copied into the container, which \`read_only: true\` refuses (Compose v2 fails the same way at up)`,
          'give it a `file` source, or drop `read_only`',
        );
      });
    }
  }
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
    networkMode: ownNetwork ? undefined : s.network_mode,
    volumesFrom: s.volumes_from ?? [],
    links: s.links ?? [],
    dependsOn: { ...implicit, ...dependsOn },
    healthcheck,
    labels: s.labels ?? {},
    user: s.user,
    workingDir: s.working_dir,
    hostname: s.hostname,
    extraHosts: s.extra_hosts ?? {},
    init: s.init,
    stopGracePeriodMs: s.stop_grace_period,
    stopSignal: s.stop_signal,
    profiles: s.profiles ?? [],
    replicas: s.replicas ?? 1,
    limits: s.limits ?? {},
    pullPolicy: s.pull_policy,
    secrets,
    configs,
    capAdd: s.cap_add ?? [],
    capDrop: s.cap_drop ?? [],
    privileged: s.privileged ?? false,
    platform: s.platform,
    shmSizeBytes: s.shm_size,
    system: s.system ?? {},
  };
}

/**
 * A service's secrets or configs, checked against the top-level entries. Targets as Compose v2 puts
 * them: secrets under /run/secrets (a relative target too), configs at /<name> unless given.
 */
function fileMounts(
  r: Reader,
  entries: FileMountEntry[],
  model: ComposeModel,
  kind: 'secrets' | 'configs',
  at: (...keys: (string | number)[]) => (string | number)[],
): ComposeFileMount[] {
  const out: ComposeFileMount[] = [];
  entries.forEach((entry, index) => {
    const source = model[kind][entry.source];
    if (!source) {
      r.report(
        at(kind, index),
        `${kind === 'secrets' ? 'secret' : 'config'} ${JSON.stringify(entry.source)} is not declared under the top-level \`${kind}\``,
      );
      return;
    }
    if (source.kind === 'file' && !existsSync(source.path)) {
      r.report([kind, entry.source, 'file'], `${source.path} does not exist`, 'paths are relative to the first compose file');
      return;
    }
    if (source.kind === 'environment' && source.value === undefined) {
      r.report(
        [kind, entry.source, 'environment'],
        `variable ${source.variable} is not set`,
        'set it in the environment, the `env` option or .env',
      );
      return;
    }
    const given = entry.target;
    const target =
      kind === 'secrets'
        ? given === undefined
          ? `/run/secrets/${entry.source}`
          : posix.resolve('/run/secrets', given)
        : given === undefined
          ? `/${entry.source}`
          : posix.resolve('/', given);
    out.push({ ...entry, target });
  });
  return out;
}
