import { describe, expect, it } from 'vitest';
import { createBody } from './create-body.js';
import { engineTimestamp } from './start.js';
import { validateSpec } from './validate.js';

describe('createBody', () => {
  it('maps a full spec to the engine body', () => {
    const spec = validateSpec({
      image: 'postgres:15',
      name: 'db1',
      env: { POSTGRES_PASSWORD: 'pw' },
      command: ['postgres', '-c', 'fsync=off'],
      ports: [5432, { container: 9000, host: 19000, protocol: 'udp' }],
      labels: { team: 'a' },
      networks: [{ name: 'net1', aliases: ['db'] }, 'net2'],
      tmpfs: [{ target: '/run', options: 'size=64m' }],
      volumes: [{ name: 'vol', target: '/data' }],
      healthcheck: { test: 'pg_isready', intervalMs: 100, retries: 3 },
      resources: { memory: '256m', cpus: 0.5 },
      capAdd: ['NET_ADMIN'],
      extraHosts: { 'host.docker.internal': 'host-gateway' },
      stopSignal: 'SIGINT',
      stopTimeoutSeconds: 3,
      platform: 'linux/amd64',
    });
    const body = createBody(spec, 'mirror.local/library/postgres:15', { 'dev.berth.session': 's1' }) as Record<string, unknown> & {
      HostConfig: Record<string, unknown>;
    };
    expect(body.Image).toBe('mirror.local/library/postgres:15');
    expect(body.Env).toEqual(['POSTGRES_PASSWORD=pw']);
    expect(body.Labels).toEqual({ team: 'a', 'dev.berth.session': 's1' });
    expect(body.ExposedPorts).toEqual({ '5432/tcp': {}, '9000/udp': {} });
    expect(body.HostConfig.PortBindings).toEqual({
      '5432/tcp': [{ HostIp: '', HostPort: '' }],
      '9000/udp': [{ HostIp: '', HostPort: '19000' }],
    });
    expect(body.HostConfig.PublishAllPorts).toBe(true);
    expect(body.HostConfig.NetworkMode).toBe('net1');
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { net1: { Aliases: ['db'] } } });
    expect(body.HostConfig.Tmpfs).toEqual({ '/run': 'size=64m' });
    expect(body.HostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'vol', Target: '/data', ReadOnly: false }]);
    expect(body.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'pg_isready'], Interval: 100_000_000, Retries: 3 });
    expect(body.HostConfig.Memory).toBe(256 * 1024 ** 2);
    expect(body.HostConfig.NanoCpus).toBe(5e8);
    expect(body.HostConfig.ExtraHosts).toEqual(['host.docker.internal:host-gateway']);
    expect(body.HostConfig.Privileged).toBe(false);
    expect(body).toMatchObject({
      name: 'db1',
      StopSignal: 'SIGINT',
      StopTimeout: 3,
      platform: 'linux/amd64',
      Cmd: ['postgres', '-c', 'fsync=off'],
    });
  });
});

describe('engineTimestamp', () => {
  it('keeps nanoseconds in the engine form', () => {
    expect(engineTimestamp('2026-11-27T17:30:00.123456789Z')).toBe(`${Date.parse('2026-11-27T17:30:00Z') / 1000}.123456789`);
    expect(engineTimestamp('2026-11-27T17:30:00.5Z')).toBe(`${Date.parse('2026-11-27T17:30:00Z') / 1000}.500000000`);
    expect(engineTimestamp('0001-01-01T00:00:00Z')).toBeUndefined();
  });
});
