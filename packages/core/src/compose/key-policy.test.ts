// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose substitutions are written ${VAR}, in plain strings
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBody } from '../container/create-body.js';
import { validateSpec } from '../container/validate.js';
import { ComposeFileError } from '../errors.js';
import { APPLIED_SERVICE_KEYS, IGNORED_SERVICE_KEYS, REFUSED_SERVICE_KEYS } from './key-policy.js';
import { loadSources } from './load.js';
import { toContainerSpec } from './to-spec.js';

/** The service keys of the compose specification as Compose v2.26 (Debian's build) validates them. */
const SPEC_SERVICE_KEYS =
  'annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file environment expose extends external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation label_file labels links logging mac_address mem_limit mem_reservation mem_swappiness memswap_limit network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles pull_policy read_only restart runtime scale secrets security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits user userns_mode uts volumes volumes_from working_dir'.split(
    ' ',
  );

const project = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};
const loadIn = (dir: string, text: string, vars: Record<string, string> = {}) =>
  loadSources([{ path: join(dir, 'compose.yaml'), text }], dir, (name) => vars[name]).model;
const fails = (text: string): ComposeFileError => {
  try {
    loadSources([{ path: '/p/compose.yaml', text }], '/p', () => undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(ComposeFileError);
    return error as ComposeFileError;
  }
  throw new Error('expected the file to be rejected');
};

describe('the key policy', () => {
  it('puts every service key of the compose specification in exactly one class', () => {
    const classes = [APPLIED_SERVICE_KEYS as readonly string[], Object.keys(IGNORED_SERVICE_KEYS), Object.keys(REFUSED_SERVICE_KEYS)];
    for (const key of SPEC_SERVICE_KEYS) expect(classes.filter((c) => c.includes(key)).map((c) => c.length)).toHaveLength(1);
    for (const key of classes.flat()) expect(SPEC_SERVICE_KEYS).toContain(key);
  });

  it('reports every problem of a file in one error, each with file, line and key', () => {
    const error = fails(
      [
        'services:',
        '  a:',
        '    image: x',
        '    enviroment: { A: "1" }', // 4: typo
        '    gpus: all', // 5: refused
        '    ports: ["99999"]', // 6: bad value
        '    depends_on: [nope]', // 7: unknown service
        '  b:',
        '    image: ${TAG:?set TAG}', // 9: required variable
        '    stop_grace_period: soon', // 10: bad duration
      ].join('\n'),
    );
    const problems = error.details.problems as { line: number; key: string; message: string }[];
    expect(error.summary).toMatch(/^6 problems in the compose files:/);
    expect(problems.map((p) => [p.line, p.key])).toEqual([
      [9, 'services.b.image'],
      [4, 'services.a.enviroment'],
      [5, 'services.a.gpus'],
      [6, 'services.a.ports[0]'],
      [10, 'services.b.stop_grace_period'],
      [7, 'services.a.depends_on.nope'],
    ]);
    expect(error.message).toContain('did you mean `environment`?');
    expect(error.message).toContain('GPU access');
  });

  it('reads the engine settings real files use, with Compose v2’s forms and defaults', () => {
    const dir = project({ 'pw.txt': 's3cret\n', 'app.conf': 'cfg\n', 'vars.env': 'V=1\n', 'src/.keep': '' });
    const { services, networks, volumes } = loadIn(
      dir,
      `
services:
  app:
    image: busybox
    shm_size: 256m
    ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 512 }
    cap_add: [SYS_PTRACE]
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    sysctls: { net.core.somaxconn: 1024 }
    privileged: true
    devices: ["/dev/null:/dev/xnull:rwm", "/dev/zero", { source: /dev/fuse, target: /dev/fuse, permissions: rw }]
    platform: linux/amd64
    dns: 8.8.8.8
    dns_search: [example.com]
    dns_opt: ["ndots:2"]
    mac_address: "02:42:ac:11:00:02"
    ipc: shareable
    pid: host
    group_add: [audio, 1001]
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    secrets: [pw, { source: tok, target: tok2, mode: 0400 }]
    configs: [cfg, { source: inline, target: /etc/inline.conf, mode: 0440 }]
    env_file: [{ path: ./missing.env, required: false }, { path: ./vars.env }]
    deploy: { resources: { limits: { cpus: "0.5", memory: 64m, pids: 100 }, reservations: { memory: 32m } } }
    links: ["db:database"]
    volumes: ["./src:/src:z"]
    volumes_from: ["db:ro", "container:foo"]
    networks: { front: { ipv4_address: 172.28.0.10, aliases: [a1] } }
  db:
    image: busybox
  side:
    image: busybox
    network_mode: "service:db"
secrets:
  pw: { file: ./pw.txt }
  tok: { environment: TOKEN }
configs:
  cfg: { file: ./app.conf }
  inline: { content: "hello $\${X}" }
networks:
  front: { driver_opts: { a: b }, ipam: { config: [{ subnet: 172.28.0.0/16, gateway: 172.28.0.1 }] } }
volumes:
  vol: { driver: local, driver_opts: { type: tmpfs, device: tmpfs, o: "size=10m" } }
`,
      { TOKEN: 't0k' },
    );
    const app = services.app;
    expect(app?.system).toEqual({
      ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: { soft: 512, hard: 512 } },
      securityOpt: ['no-new-privileges:true'],
      sysctls: { 'net.core.somaxconn': '1024' },
      devices: [
        { host: '/dev/null', container: '/dev/xnull', permissions: 'rwm' },
        { host: '/dev/zero', container: '/dev/zero', permissions: 'rwm' },
        { host: '/dev/fuse', container: '/dev/fuse', permissions: 'rw' },
      ],
      dns: ['8.8.8.8'],
      dnsSearch: ['example.com'],
      dnsOptions: ['ndots:2'],
      groupAdd: ['audio', '1001'],
      macAddress: '02:42:ac:11:00:02',
      ipc: 'shareable',
      pid: 'host',
    });
    expect(app?.secrets).toEqual([
      { source: 'pw', target: '/run/secrets/pw' },
      { source: 'tok', target: '/run/secrets/tok2', mode: 0o400 },
    ]);
    expect(app?.configs).toEqual([
      { source: 'cfg', target: '/cfg' },
      { source: 'inline', target: '/etc/inline.conf', mode: 0o440 },
    ]);
    expect(app?.environment).toEqual({ V: '1' });
    expect(app?.limits).toEqual({ cpus: 0.5, memoryBytes: 64 * 1024 ** 2, pids: 100 });
    expect(app?.dependsOn).toEqual({ db: 'service_started' });
    expect(app?.mounts).toEqual([{ type: 'bind', source: join(dir, 'src'), target: '/src', readOnly: false, selinux: 'z' }]);
    expect(app?.networks).toEqual({ front: { aliases: ['a1'], ipv4Address: '172.28.0.10' } });
    expect(services.side?.networks).toEqual({});
    expect(services.side?.dependsOn).toEqual({ db: 'service_started' });
    expect(networks.front?.ipam).toEqual({ config: [{ subnet: '172.28.0.0/16', gateway: '172.28.0.1' }] });
    expect(volumes.vol?.driverOpts).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=10m' });

    // ... and turns them into a container spec and the engine's create body.
    const model = loadIn(dir, 'services:\n  x: { image: busybox }\n');
    const spec = toContainerSpec(app as NonNullable<typeof app>, 1, {
      project: 'p',
      projectDir: dir,
      files: [],
      image: 'busybox',
      networks: { front: 'p_front' },
      volumes: {},
      anonymousVolume: () => 'anon',
      wait: undefined,
      pullPolicy: undefined,
      startupTimeoutMs: undefined,
      fileSources: { secrets: { ...model.secrets, ...loadSecrets(dir) }, configs: { inline: { kind: 'content', content: 'hello ${X}' } } },
      linkAliases: {},
    });
    const body = createBody(validateSpec(spec), 'busybox', {}) as unknown as { HostConfig: Record<string, unknown>; [k: string]: unknown };
    expect(body.HostConfig).toMatchObject({
      ShmSize: 256 * 1024 ** 2,
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 2048 },
        { Name: 'nproc', Soft: 512, Hard: 512 },
      ],
      CapAdd: ['SYS_PTRACE'],
      CapDrop: ['ALL'],
      Privileged: true,
      PidsLimit: 100,
      PidMode: 'host',
      IpcMode: 'shareable',
      VolumesFrom: ['p-db-1:ro', 'foo'],
      Binds: [`${join(dir, 'src')}:/src:rw,z`],
    });
    expect(body.StopSignal).toBe('SIGINT');
    expect(body.MacAddress).toBe('02:42:ac:11:00:02');
    expect(body.NetworkingConfig).toEqual({
      EndpointsConfig: { p_front: { Aliases: ['app', 'p-app-1', 'a1'], IPAMConfig: { IPv4Address: '172.28.0.10' } } },
    });
    expect(spec.copy).toEqual([{ content: 'hello ${X}', target: '/etc/inline.conf', mode: 0o440 }]);
  });

  it('resolves extends from the same file and from another file, paths relative to that file', () => {
    const dir = project({
      'base/common.yaml':
        'services:\n  root:\n    image: busybox\n    environment: { ROOT: "1" }\n    volumes: ["./data:/data"]\n  common:\n    extends: root\n    cap_add: [NET_ADMIN]\n',
      'base/data/.keep': '',
    });
    const { services } = loadIn(
      dir,
      'services:\n  a:\n    extends: { file: base/common.yaml, service: common }\n    image: busybox:1\n    cap_add: [SYS_PTRACE]\n  b:\n    extends: a\n    environment: { B: "2" }\n',
    );
    expect(services.a?.image).toBe('busybox:1');
    expect(services.a?.environment).toEqual({ ROOT: '1' });
    expect(services.a?.capAdd).toEqual(['NET_ADMIN', 'SYS_PTRACE']);
    expect(services.a?.mounts).toEqual([{ type: 'bind', source: join(dir, 'base/data'), target: '/data', readOnly: false }]);
    expect(services.b?.environment).toEqual({ ROOT: '1', B: '2' });
    expect(fails('services:\n  a: { extends: b, image: x }\n  b: { extends: a, image: x }\n').summary).toContain('`extends` loops');
  });
});

describe('more of Compose v2, found on public files', () => {
  it('loads `include`d projects, their paths relative to their own folder', () => {
    const dir = project({
      'sub/compose.yaml': 'services:\n  inc:\n    image: busybox\n    volumes: ["./data:/d"]\n    environment: ["X=${X}"]\n',
      'sub/data/.keep': '',
      'sub/.env': 'X=from-included-env\n',
    });
    const { services } = loadIn(dir, 'include: [sub/compose.yaml]\nservices:\n  own: { image: busybox, depends_on: [inc] }\n');
    expect(Object.keys(services).sort()).toEqual(['inc', 'own']);
    expect(services.inc?.mounts).toEqual([{ type: 'bind', source: join(dir, 'sub/data'), target: '/d', readOnly: false }]);
    expect(services.inc?.environment).toEqual({ X: 'from-included-env' });
    const clash = project({ 'sub/compose.yaml': 'services:\n  own: { image: x }\n' });
    expect(() => loadIn(clash, 'include: [sub/compose.yaml]\nservices:\n  own: { image: y }\n')).toThrow(
      'defined both here and in an included file',
    );
  });

  it('follows Compose v2 on network_mode bridge, optional dependencies, expose ranges and empty values', () => {
    const { services } = loadIn(
      project({}),
      [
        'services:',
        '  a:',
        '    image: busybox',
        '    network_mode: bridge',
        '    platform: ""',
        '    expose: ["5000-5002"]',
        '    depends_on: { gone: { condition: service_started, required: false }, b: { condition: service_started, required: false } }',
        '  b: { image: busybox, ipc: "service:c" }',
        '  c: { image: busybox }',
      ].join('\n'),
    );
    expect(services.a?.networks).toEqual({});
    expect(services.a?.networkMode).toBe('bridge');
    expect(services.a?.platform).toBeUndefined();
    expect(services.a?.expose.map((e) => e.port)).toEqual([5000, 5001, 5002]);
    expect(services.a?.dependsOn).toEqual({ b: 'service_started' });
    expect(services.b?.dependsOn).toEqual({ c: 'service_started' });
  });

  it('applies the merge tags !reset and !override over earlier files', () => {
    const model = loadSources(
      [
        {
          path: '/p/a.yaml',
          text: 'services:\n  a:\n    image: x\n    environment: { A: "1", B: "1" }\n    labels: { l1: "1" }\n    dns: [1.1.1.1]\n    ports: ["80:80"]\n',
        },
        {
          path: '/p/b.yaml',
          text: 'services:\n  a:\n    environment: { A: !reset null }\n    labels: !override { l2: "2" }\n    dns: !reset []\n    ports: !override ["81:81"]\n',
        },
      ],
      '/p',
      () => undefined,
    ).model;
    expect(model.services.a?.environment).toEqual({ B: '1' });
    expect(model.services.a?.labels).toEqual({ l2: '2' });
    expect(model.services.a?.system.dns).toBeUndefined();
    expect(model.services.a?.ports).toEqual([{ target: 81, published: 81, protocol: 'tcp' }]);
  });

  it('refuses what cannot work, saying why: remote build contexts, inline files on a read-only root', () => {
    expect(fails('services:\n  a:\n    build: https://github.com/x/y.git\n').summary).toContain('remote build context');
    expect(
      fails('services:\n  a:\n    image: x\n    read_only: true\n    configs: [c]\nconfigs:\n  c: { content: hi }\n').summary,
    ).toContain('which `read_only: true` refuses');
  });
});

function loadSecrets(dir: string) {
  return { pw: { kind: 'file' as const, path: join(dir, 'pw.txt') } };
}
