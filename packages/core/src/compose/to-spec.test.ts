import { describe, expect, it } from 'vitest';
import { loadSources } from './load.js';
import { type SpecContext, toContainerSpec } from './to-spec.js';

const service = (text: string) => loadSources([{ path: '/p/compose.yaml', text }], '/p', () => undefined).model.services;

const ctx: SpecContext = {
  project: 'proj',
  projectDir: '/p',
  files: ['/p/compose.yaml'],
  image: 'busybox:latest',
  networks: { default: 'proj_default', back: 'proj_back' },
  volumes: { data: 'proj_data' },
  anonymousVolume: (target) => `anon${target.replace(/\//g, '_')}`,
  wait: undefined,
  pullPolicy: undefined,
  startupTimeoutMs: undefined,
  hostPorts: 'as-written',
};

describe('toContainerSpec', () => {
  it('maps a compose service onto a berth container spec', () => {
    const { web } = service(`
services:
  web:
    image: busybox:latest
    command: [sleep, "1"]
    ports: ["127.0.0.1:8080:80", "90/udp"]
    expose: [3000]
    volumes: ["data:/data:ro", "./src:/src", "/anon", { type: tmpfs, target: /fast, tmpfs: { size: 1k } }]
    tmpfs: ["/run:size=1m"]
    networks: { default: {}, back: { aliases: [api] } }
    labels: { team: qa }
    healthcheck: { test: [CMD, "true"], interval: 1s }
    init: true
    stop_grace_period: 1500ms
    deploy: { resources: { limits: { memory: 1m, cpus: 0.5 } } }
networks: { back: {} }
volumes: { data: {} }
`);
    const spec = toContainerSpec(web as NonNullable<typeof web>, 2, ctx);
    expect(spec).toMatchObject({
      image: 'busybox:latest',
      name: 'proj-web-2',
      command: ['sleep', '1'],
      ports: [
        { container: 80, protocol: 'tcp', host: 8080, hostIp: '127.0.0.1' },
        { container: 90, protocol: 'udp' },
        { container: 3000, protocol: 'tcp' },
      ],
      labels: {
        team: 'qa',
        'com.docker.compose.project': 'proj',
        'com.docker.compose.service': 'web',
        'com.docker.compose.container-number': '2',
        'com.docker.compose.oneoff': 'False',
      },
      networks: [
        { name: 'proj_default', aliases: ['web', 'proj-web-2'] },
        { name: 'proj_back', aliases: ['web', 'proj-web-2', 'api'] },
      ],
      binds: [{ source: '/p/src', target: '/src', readOnly: false }],
      volumes: [
        { name: 'proj_data', target: '/data', readOnly: true },
        { name: 'anon_anon', target: '/anon', readOnly: false },
      ],
      tmpfs: [
        { target: '/run', options: 'size=1m' },
        { target: '/fast', options: 'size=1024' },
      ],
      healthcheck: { test: ['CMD', 'true'], intervalMs: 1000 },
      init: true,
      stopTimeoutSeconds: 2,
      resources: { memory: 1024 * 1024, cpus: 0.5 },
    });
    expect(spec.pullPolicy).toBeUndefined();
  });

  it("publishes on free host ports unless asked to keep the file's", () => {
    const { web } = service('services:\n  web:\n    image: x\n    ports: ["127.0.0.1:8080:80", "5432:5432"]\n');
    const free = toContainerSpec(web as NonNullable<typeof web>, 1, { ...ctx, hostPorts: 'free' });
    expect(free.ports).toEqual([
      { container: 80, protocol: 'tcp', hostIp: '127.0.0.1' },
      { container: 5432, protocol: 'tcp' },
    ]);
    const { hostPorts: _, ...byDefault } = ctx;
    expect(toContainerSpec(web as NonNullable<typeof web>, 1, byDefault).ports).toEqual(free.ports);
  });
});
