// Conformance with the reference implementation: each project under test/fixtures/compose/conformance
// is started by Compose v2 (scripts/compose-v2: Debian's docker-compose 2.26, standalone, which
// speaks engine API 1.41) and by berth's startCompose, one after the other, and the containers are
// compared field by field from `docker inspect`. The differences berth makes on purpose
// (docs/compose.md, "Differences from Compose v2") are normalised here, each named.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { wait } from '@berth/core';
import { loadCompose, startCompose } from '@berth/core/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeV2 } from '../support/compose-v2.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '../fixtures/compose/conformance');
const projects = readdirSync(root).filter((name) => /^\d\d-/.test(name));

interface ProjectConfig {
  env?: Record<string, string>;
  profiles?: string[];
}

type Inspect = {
  Id: string;
  Image: string;
  Config: {
    Env: string[] | null;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Labels: Record<string, string> | null;
    User: string;
    WorkingDir: string;
    Hostname: string;
    Healthcheck?: Record<string, unknown>;
    ExposedPorts?: Record<string, object> | null;
  };
  HostConfig: {
    PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Memory: number;
    NanoCpus: number;
    ExtraHosts: string[] | null;
    Init: boolean | null;
    Tmpfs: Record<string, string> | null;
  };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
  NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
};

async function inspectProject(project: string): Promise<Map<string, Inspect>> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]);
  const ids = stdout.split('\n').filter(Boolean);
  const out = new Map<string, Inspect>();
  if (ids.length === 0) return out;
  const infos = JSON.parse((await run('docker', ['inspect', ...ids], { maxBuffer: 32 * 1024 * 1024 })).stdout) as Inspect[];
  for (const info of infos) {
    const labels = info.Config.Labels ?? {};
    out.set(`${labels['com.docker.compose.service']}#${labels['com.docker.compose.container-number']}`, info);
  }
  return out;
}

/** The fields compared, with the deliberate differences taken out (each commented). */
function normalise(info: Inspect, project: string, facts: { expose: string[]; built: boolean }) {
  const p = (text: string) => text.split(project).join('<project>');
  const labels = Object.entries(info.Config.Labels ?? {})
    // berth's own labels, and compose's bookkeeping labels berth does not write (config-hash, version,
    // image digest, depends_on, replace, config_files and working_dir, which Compose writes its own way).
    .filter(
      ([key]) =>
        !key.startsWith('dev.berth.') && !/^com\.docker\.compose\.(config-hash|version|image|depends_on|replace|project\.)/.test(key),
    )
    .map(([key, value]) => `${key}=${p(value)}`)
    .sort();
  const bindings = Object.entries(info.HostConfig.PortBindings ?? {})
    // berth also publishes `expose` ports, on engine-chosen host ports, so tests can reach them.
    .filter(([key]) => !facts.expose.includes(key))
    .flatMap(([key, list]) => (list ?? []).map((b) => `${b.HostIp || '*'}:${b.HostPort || '*'}->${key}`))
    .sort();
  const tmpfs = [
    ...Object.entries(info.HostConfig.Tmpfs ?? {}).map(([target, options]) => `${target} ${options}`),
    // Compose mounts a long-syntax tmpfs through Mounts, berth through HostConfig.Tmpfs.
    ...info.Mounts.filter((m) => m.Type === 'tmpfs').map((m) => `${m.Destination} (mount)`),
  ].map((t) => t.replace(/ \(mount\)$| size=\d+$/, ''));
  return {
    // A built image differs by id: Compose v2 labels the images it builds with its own bookkeeping.
    // Both build the same context (`--build` makes Compose build even when the tag exists, as berth does).
    image: facts.built ? '<built>' : info.Image,
    env: [...(info.Config.Env ?? [])].sort(),
    cmd: info.Config.Cmd,
    entrypoint: info.Config.Entrypoint,
    labels,
    mounts: info.Mounts.filter((m) => m.Type !== 'tmpfs')
      .map((m) => ({
        type: m.Type,
        // An anonymous volume is a session volume with a generated name in berth.
        source:
          m.Type === 'bind'
            ? m.Source
            : /^[0-9a-f]{64}$/.test(m.Name ?? '') || /_anon-/.test(m.Name ?? '')
              ? '<anonymous>'
              : p(m.Name ?? ''),
        target: m.Destination,
        rw: m.RW,
      }))
      .sort((a, b) => a.target.localeCompare(b.target)),
    tmpfs: tmpfs.sort(),
    ports: bindings,
    networks: Object.fromEntries(
      Object.entries(info.NetworkSettings.Networks).map(([name, n]) => [
        p(name),
        // The engine adds the container's short id as an alias; berth's ids differ from compose's.
        (n.Aliases ?? [])
          .filter((a) => !/^[0-9a-f]{12}$/.test(a))
          .map(p)
          .sort(),
      ]),
    ),
    healthcheck: info.Config.Healthcheck ?? null,
    user: info.Config.User,
    workingDir: info.Config.WorkingDir,
    // Without `hostname`, the engine uses the container's short id.
    hostname: info.Config.Hostname === info.Id.slice(0, 12) ? '<id>' : info.Config.Hostname,
    memory: info.HostConfig.Memory,
    nanoCpus: info.HostConfig.NanoCpus,
    extraHosts: [...(info.HostConfig.ExtraHosts ?? [])].sort(),
    init: info.HostConfig.Init ?? false,
  };
}

const unique = (prefix: string) => `${prefix}${Math.random().toString(16).slice(2, 10)}`;

let compose: string;

describe('berth and Compose v2 make the same containers', () => {
  beforeAll(async () => {
    compose = await composeV2();
  }, 300_000);

  it.for(projects)('%s', async (name) => {
    const dir = path.join(root, name);
    const cfg: ProjectConfig = existsSync(path.join(dir, 'project.json'))
      ? JSON.parse(readFileSync(path.join(dir, 'project.json'), 'utf8'))
      : {};
    const env = { ...process.env, ...cfg.env };
    const profileFlags = (cfg.profiles ?? []).flatMap((p) => ['--profile', p]);
    const { model } = await loadCompose({ cwd: dir, ...(cfg.env ? { env: cfg.env } : {}) });
    const facts = (service: string) => {
      const s = model.services[service];
      return { expose: (s?.expose ?? []).map((e) => `${e.port}/${e.protocol}`), built: s?.build !== undefined };
    };

    const reference = unique('berthdc');
    let theirs: Map<string, Inspect>;
    try {
      await run(compose, ['-p', reference, ...profileFlags, 'up', '-d', '--build'], { cwd: dir, env });
      theirs = await inspectProject(reference);
    } finally {
      await run(compose, ['-p', reference, ...profileFlags, 'down', '-v', '-t', '0'], { cwd: dir, env }).catch(() => undefined);
    }

    const ours = unique('berthbc');
    // Readiness is not what is compared: services that publish ports nobody listens on count as ready once running.
    const waits = Object.fromEntries(
      Object.values(model.services)
        .filter((s) => (s.ports.length > 0 || s.expose.length > 0) && !s.healthcheck)
        .map((s) => [s.name, wait.running()]),
    );
    const environment = await startCompose({
      cwd: dir,
      projectName: ours,
      // Compose publishes the host ports as written; compare like with like.
      hostPorts: 'as-written',
      ...(cfg.env ? { env: cfg.env } : {}),
      ...(cfg.profiles ? { profiles: cfg.profiles } : {}),
      wait: waits,
    });
    let mine: Map<string, Inspect>;
    try {
      mine = await inspectProject(ours);
    } finally {
      await environment.stop();
    }

    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [key, info] of theirs) {
      const service = key.split('#')[0] as string;
      const expected = normalise(info, reference, facts(service));
      const actual = normalise(mine.get(key) as Inspect, ours, facts(service));
      expect({ container: key, ...actual }).toEqual({ container: key, ...expected });
    }
  });
});
