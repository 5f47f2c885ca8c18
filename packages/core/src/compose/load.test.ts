// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose substitutions are written ${VAR}, in plain strings
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposeFileError } from '../errors.js';
import { loadSources } from './load.js';

const lookup =
  (vars: Record<string, string> = {}) =>
  (name: string) =>
    vars[name];
const load = (text: string, vars: Record<string, string> = {}) =>
  loadSources([{ path: '/p/compose.yaml', text }], '/p', lookup(vars)).model;
const loadMany = (...texts: string[]) =>
  loadSources(
    texts.map((text, i) => ({ path: `/p/f${i}.yaml`, text })),
    '/p',
    lookup(),
  ).model;
const fails = (text: string, vars: Record<string, string> = {}) => {
  try {
    load(text, vars);
  } catch (error) {
    expect(error).toBeInstanceOf(ComposeFileError);
    return error as ComposeFileError;
  }
  throw new Error('expected the file to be rejected');
};

describe('loading one file', () => {
  it('reads the short and long syntaxes into one typed form', () => {
    const { services } = load(`
services:
  web:
    image: busybox:latest
    command: sh -c 'echo "a b"; sleep 1'
    entrypoint: ["/bin/sh"]
    environment: [A=1, B=x=y, "C="]
    ports: ["80", "8080:81", "127.0.0.1:9000-9001:90-91/udp", { target: 95, published: "9500", host_ip: 127.0.0.1 }]
    expose: [3000, "53/udp"]
    volumes: ["./data:/data:ro", "cache:/cache", "/anon", { type: tmpfs, target: /t, tmpfs: { size: 1m } }]
    tmpfs: /run
    networks: { front: { aliases: [www] }, back: null }
    depends_on: [db]
    healthcheck: { test: curl -f localhost, interval: 1m30s, timeout: 500ms, retries: 3, start_period: 2s }
    labels: [team=qa]
    extra_hosts: ["db.local:10.0.0.5"]
    init: true
    stop_grace_period: 3s
    deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: 64m } } }
  db:
    image: redis:7
    environment: { X: 1, Y: true, Z: null }
    extra_hosts: { a.local: 10.0.0.6 }
    depends_on: { } 
    healthcheck: { disable: true }
    scale: 3
networks: { front: {}, back: {} }
volumes: { cache: {} }
`);
    const web = services.web;
    expect(web?.command).toEqual(['sh', '-c', 'echo "a b"; sleep 1']);
    expect(web?.entrypoint).toEqual(['/bin/sh']);
    expect(web?.environment).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(web?.ports).toEqual([
      { target: 80, protocol: 'tcp' },
      { target: 81, published: 8080, protocol: 'tcp' },
      { target: 90, published: 9000, hostIp: '127.0.0.1', protocol: 'udp' },
      { target: 91, published: 9001, hostIp: '127.0.0.1', protocol: 'udp' },
      { target: 95, published: 9500, hostIp: '127.0.0.1', protocol: 'tcp' },
    ]);
    expect(web?.expose).toEqual([
      { port: 3000, protocol: 'tcp' },
      { port: 53, protocol: 'udp' },
    ]);
    expect(web?.mounts).toEqual([
      { type: 'bind', source: '/p/data', target: '/data', readOnly: true },
      { type: 'volume', source: 'cache', target: '/cache', readOnly: false },
      { type: 'volume', source: undefined, target: '/anon', readOnly: false },
      { type: 'tmpfs', target: '/t', size: 1024 * 1024 },
    ]);
    expect(web?.tmpfs).toEqual(['/run']);
    expect(web?.networks).toEqual({ front: { aliases: ['www'] }, back: { aliases: [] } });
    expect(web?.dependsOn).toEqual({ db: 'service_started' });
    expect(web?.healthcheck).toEqual({
      test: ['CMD-SHELL', 'curl -f localhost'],
      intervalMs: 90_000,
      timeoutMs: 500,
      retries: 3,
      startPeriodMs: 2000,
    });
    expect(web?.labels).toEqual({ team: 'qa' });
    expect(web?.extraHosts).toEqual({ 'db.local': '10.0.0.5' });
    expect(web?.init).toBe(true);
    expect(web?.stopGracePeriodMs).toBe(3000);
    expect(web?.replicas).toBe(2);
    expect(web?.limits).toEqual({ cpus: 0.5, memoryBytes: 64 * 1024 * 1024 });
    const db = services.db;
    expect(db?.environment).toEqual({ X: '1', Y: 'true' });
    expect(db?.extraHosts).toEqual({ 'a.local': '10.0.0.6' });
    expect(db?.healthcheck).toEqual({ test: ['NONE'] });
    expect(db?.replicas).toBe(3);
    expect(db?.networks).toEqual({ default: { aliases: [] } });
  });

  it('resolves anchors, merge keys and ignores x- fields', () => {
    const { services } = load(`
x-base: &base
  image: busybox:latest
  environment: { A: "1", B: "2" }
services:
  a:
    <<: *base
    x-note: anything
    environment: { B: "3" }
  b: *base
`);
    expect(services.a?.image).toBe('busybox:latest');
    expect(services.a?.environment).toEqual({ B: '3' });
    expect(services.b?.environment).toEqual({ A: '1', B: '2' });
  });

  it('interpolates values (not keys) before checking them', () => {
    const { services } = load(
      'services:\n  a:\n    image: ${IMG:-busybox}:${TAG}\n    ports: ["${PORT:-80}"]\n    environment: { $$K: "$$V" }\n',
      { TAG: 'latest' },
    );
    expect(services.a?.image).toBe('busybox:latest');
    expect(services.a?.ports).toEqual([{ target: 80, protocol: 'tcp' }]);
    expect(services.a?.environment).toEqual({ $$K: '$V' });
  });

  it('takes a KEY without a value from the variables, or leaves it out', () => {
    const { services } = load('services:\n  a:\n    image: x\n    environment: [HOME_DIR, MISSING]\n', { HOME_DIR: '/h' });
    expect(services.a?.environment).toEqual({ HOME_DIR: '/h' });
  });

  it('accepts keys with no meaning for a test run and drops them', () => {
    const { services } = load('services:\n  a:\n    image: x\n    restart: always\n    container_name: fixed\nversion: "3.9"\n');
    expect(services.a?.image).toBe('x');
  });

  it('reads env_file entries, overlaid by environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
    writeFileSync(join(dir, 'app.env'), '# comment\nA=from-file\nexport B="two words"\nC=\'$literal\'\n');
    const { services } = loadSources(
      [{ path: join(dir, 'compose.yaml'), text: 'services:\n  a:\n    image: x\n    env_file: app.env\n    environment: { A: env }\n' }],
      dir,
      lookup(),
    ).model;
    expect(services.a?.environment).toEqual({ A: 'env', B: 'two words', C: '$literal' });
  });
});

describe('merging files', () => {
  it('follows compose rules per key', () => {
    const { services, networks } = loadMany(
      `
services:
  web:
    image: busybox:1
    command: [a]
    environment: { A: "1", B: "1" }
    labels: { x: "1" }
    ports: ["81:80", "90"]
    expose: ["1000"]
    volumes: ["./a:/data", "./b:/keep"]
    networks: { front: { aliases: [one] } }
    depends_on: [db]
    healthcheck: { test: [CMD, "true"], interval: 1s, retries: 3 }
    deploy: { resources: { limits: { memory: 1m } } }
  db: { image: redis:7 }
networks: { front: {} }
`,
      `
services:
  web:
    image: busybox:2
    command: [b]
    environment: [B=2, C=2]
    labels: { y: "2" }
    ports: ["81:80", "70"]
    expose: ["1000", "2000"]
    volumes: ["./c:/data", "./d:/new"]
    networks: { front: { aliases: [two] }, back: {} }
    depends_on: { cache: { condition: service_healthy } }
    healthcheck: { retries: 5 }
    deploy: { resources: { limits: { cpus: 1 } } }
  cache: { image: redis:7 }
networks: { back: { internal: true } }
`,
    );
    const web = services.web;
    expect(web?.image).toBe('busybox:2');
    expect(web?.command).toEqual(['b']);
    expect(web?.environment).toEqual({ A: '1', B: '2', C: '2' });
    expect(web?.labels).toEqual({ x: '1', y: '2' });
    expect(web?.ports.map((p) => `${p.published ?? ''}:${p.target}`)).toEqual([':70', '81:80', ':90']);
    expect(web?.expose.map((e) => e.port)).toEqual([1000, 2000]);
    expect(web?.mounts.map((m) => `${'source' in m ? m.source : ''}:${m.target}`)).toEqual(['/p/c:/data', '/p/b:/keep', '/p/d:/new']);
    expect(web?.networks).toEqual({ front: { aliases: ['one', 'two'] }, back: { aliases: [] } });
    expect(web?.dependsOn).toEqual({ db: 'service_started', cache: 'service_healthy' });
    expect(web?.healthcheck).toEqual({ test: ['CMD', 'true'], intervalMs: 1000, retries: 5 });
    expect(web?.limits).toEqual({ memoryBytes: 1024 * 1024, cpus: 1 });
    expect(Object.keys(networks)).toEqual(['front', 'back']);
    expect(networks.back?.internal).toBe(true);
  });

  it('lets an override disable a healthcheck', () => {
    const { services } = loadMany(
      'services:\n  a:\n    image: x\n    healthcheck: { test: [CMD, "true"], interval: 1s }\n',
      'services:\n  a:\n    healthcheck: { disable: true }\n',
    );
    expect(services.a?.healthcheck).toEqual({ test: ['NONE'] });
  });
});

describe('bad input', () => {
  it('names file, line and key of an unsupported key, with a suggestion', () => {
    const error = fails('services:\n  web:\n    image: x\n    enviroment: { A: "1" }\n');
    expect(error.summary).toBe('/p/compose.yaml:4: `services.web.enviroment`: unsupported key "enviroment"');
    expect(error.hint).toBe('did you mean `environment`?');
    expect(error.details).toMatchObject({ file: '/p/compose.yaml', line: 4, key: 'services.web.enviroment' });
    expect(error.code).toBe('BERTH_COMPOSE_FILE');
  });

  it('refuses keys that cannot work here, saying why, and rejects unknown ones', () => {
    expect(fails('services:\n  a:\n    image: x\n    gpus: all\n').summary).toContain(
      '`services.a.gpus`: `gpus` cannot work here: GPU access',
    );
    expect(fails('services:\n  a: { image: x }\nsecrets: { s: { external: true } }\n').summary).toContain(
      'external secrets live in a swarm',
    );
    expect(fails('services:\n  a:\n    image: x\n    deploy: { resources: { limits: { pidz: 3 } } }\n').summary).toContain(
      'services.a.deploy.resources.limits.pidz',
    );
  });

  it('fails on an unset required variable at its line', () => {
    const error = fails('services:\n  a:\n    image: x\n    environment:\n      TOKEN: ${TOKEN:?set TOKEN for the tests}\n');
    expect(error.summary).toBe(
      '/p/compose.yaml:5: `services.a.environment.TOKEN`: required variable TOKEN is not set: set TOKEN for the tests',
    );
  });

  it('shows a code frame for a YAML syntax error', () => {
    const error = fails('services:\n  a:\n    image: x\n    ports: [80\n  b: {}\n');
    expect(error.message).toMatch(/^\/p\/compose\.yaml:\d+:\d+: invalid YAML/);
    expect(error.message).toContain('|     ports: [80');
    expect(error.message).toContain('^');
  });

  it('checks values', () => {
    expect(fails('services:\n  a:\n    image: x\n    ports: ["99999"]\n').summary).toContain('services.a.ports[0]');
    expect(fails('services:\n  a:\n    image: x\n    stop_grace_period: soon\n').summary).toContain('expected a duration');
    expect(fails('services:\n  a:\n    image: x\n    depends_on: { b: { condition: started } }\n').summary).toContain('service_healthy');
    expect(fails('services:\n  a: { command: ls }\n').summary).toContain('needs `image` or `build`');
  });

  it('rejects undeclared networks and named volumes', () => {
    expect(fails('services:\n  a:\n    image: x\n    networks: [nope]\n').summary).toBe(
      '/p/compose.yaml:4: `services.a.networks.nope`: network "nope" is not declared under the top-level `networks`',
    );
    expect(fails('services:\n  a:\n    image: x\n    volumes: ["data:/d"]\n').summary).toContain('named volume "data" is not declared');
  });

  it('rejects a missing env_file and build context', () => {
    expect(fails('services:\n  a:\n    image: x\n    env_file: [nope.env]\n').summary).toContain(
      '`services.a.env_file[0]`: env_file /p/nope.env does not exist',
    );
    expect(fails('services:\n  a:\n    build: ./nowhere\n').summary).toContain(
      '`services.a.build.context`: build context /p/nowhere is not a folder',
    );
  });
});
