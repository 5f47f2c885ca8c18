import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import type { ContainerSpec } from './spec.js';
import { generateName, parseBytes, validateSpec } from './validate.js';

function errorOf(spec: unknown): InvalidSpecError {
  try {
    validateSpec(spec as ContainerSpec);
  } catch (error) {
    if (error instanceof InvalidSpecError) return error;
    throw error;
  }
  throw new Error('expected validateSpec to throw');
}

describe('validateSpec', () => {
  it('fills every field and never mutates the spec', () => {
    const spec: ContainerSpec = Object.freeze({
      image: 'redis:7',
      env: Object.freeze({ A: 1, B: true }),
      ports: Object.freeze([6379]) as never,
    });
    const resolved = validateSpec(spec);
    expect(resolved).toMatchObject({
      image: 'redis:7',
      env: { A: '1', B: 'true' },
      ports: [{ container: 6379, protocol: 'tcp', host: 0, hostIp: '' }],
      pullPolicy: 'missing',
      startupTimeoutMs: 60_000,
      privileged: false,
      keep: false,
    });
    expect(resolved.name).toMatch(/^berth-redis-[0-9a-f]{8}$/);
    expect(validateSpec(spec).name).not.toBe(resolved.name);
  });

  it('quotes the field and the value for a port out of range', () => {
    expect(errorOf({ image: 'x', ports: [80, 70000] }).message).toBe('expected `ports[1]` to be 1–65535, got 70000');
    expect(errorOf({ image: 'x', ports: [{ container: 80, host: 0 }] }).message).toContain('`ports[0].host`');
    expect(errorOf({ image: 'x', ports: ['80/sctp'] }).message).toContain('"80/sctp"');
  });

  it('parses port strings, udp and free host ports', () => {
    const resolved = validateSpec({
      image: 'x',
      ports: ['53/udp', '8080', { container: 9092, host: 'free' }, { container: 5432, host: 15432 }],
    });
    expect(resolved.ports.map((p) => `${p.container}/${p.protocol}:${p.host}`)).toEqual([
      '53/udp:0',
      '8080/tcp:0',
      '9092/tcp:0',
      '5432/tcp:15432',
    ]);
    expect(resolved.portPlans[2]?.pickFree).toBe(true);
  });

  it('rejects a port listed twice', () => {
    expect(errorOf({ image: 'x', ports: [80, '80/tcp'] }).message).toContain('a port not listed twice');
  });

  it('rejects labels under the reserved prefix', () => {
    const error = errorOf({ image: 'x', labels: { 'dev.berth.session': 'mine' } });
    expect(error.message).toContain('dev.berth.');
    expect(error.hint).toContain('pick another prefix');
  });

  it('rejects a bind source that does not exist, before touching the engine', () => {
    const error = errorOf({ image: 'x', binds: [{ source: '/definitely/not/here', target: '/data' }] });
    expect(error.summary).toBe('expected `binds[0].source` to be an existing host path, got "/definitely/not/here"');
    expect(error.hint).toContain('create it first');
    const dir = mkdtempSync(join(tmpdir(), 'berth-'));
    expect(validateSpec({ image: 'x', binds: [{ source: dir, target: '/data' }] }).binds[0]?.source).toBe(dir);
  });

  it.each([
    [{ image: '' }, '`image`'],
    [{ image: 'x', name: '-bad' }, '`name`'],
    [{ image: 'x', env: { 'A=B': 'c' } }, 'env["A=B"]'],
    [{ image: 'x', command: 'echo hi' }, '`command`'],
    [{ image: 'x', pullPolicy: 'sometimes' }, '`pullPolicy`'],
    [{ image: 'x', startupTimeoutMs: -1 }, '`startupTimeoutMs`'],
    [{ image: 'x', resources: { memory: 'lots' } }, '`resources.memory`'],
    [{ image: 'x', resources: { cpus: 0 } }, '`resources.cpus`'],
    [{ image: 'x', platform: 'amd64' }, '`platform`'],
    [{ image: 'x', wait: 'ports' }, '`wait`'],
    [{ image: 'x', copy: [{ content: 'x', target: 'relative' }] }, '`copy[0]`'],
  ])('rejects %o naming %s', (spec, field) => {
    expect(errorOf(spec).message).toContain(field);
  });

  it('converts resources', () => {
    const resolved = validateSpec({ image: 'x', resources: { memory: '512m', cpus: 1.5, shmSize: '1g' } });
    expect(resolved).toMatchObject({ memoryBytes: 512 * 1024 ** 2, nanoCpus: 1.5e9, shmSizeBytes: 1024 ** 3 });
  });
});

describe('helpers', () => {
  it('parseBytes', () => {
    expect(parseBytes('64k', 'f')).toBe(65536);
    expect(parseBytes(1000, 'f')).toBe(1000);
    expect(parseBytes(undefined, 'f')).toBeUndefined();
  });

  it('generateName takes the repository name', () => {
    expect(generateName('ghcr.io/org/app:1.2@sha256:abc')).toMatch(/^berth-app-[0-9a-f]{8}$/);
  });
});

describe('system settings', () => {
  it('resolves them and sends each as its HostConfig field', async () => {
    const { createBody } = await import('./create-body.js');
    const spec = validateSpec({
      image: 'busybox',
      system: {
        ulimits: { nofile: { soft: 10, hard: 20 } },
        sysctls: { 'net.core.somaxconn': '512' },
        devices: [{ host: '/dev/null', container: '/dev/n' }],
        dns: ['1.1.1.1'],
        ipc: 'shareable',
        readOnlyRootfs: true,
        pidsLimit: 5,
        uts: 'host',
        macAddress: '02:42:ac:11:00:09',
      },
      networks: [{ name: 'n', ipv4Address: '10.1.0.5' }],
    });
    const body = createBody(spec, 'busybox', {}) as unknown as { HostConfig: Record<string, unknown>; [key: string]: unknown };
    expect(body.HostConfig).toMatchObject({
      Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 20 }],
      Sysctls: { 'net.core.somaxconn': '512' },
      Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/n', CgroupPermissions: 'rwm' }],
      Dns: ['1.1.1.1'],
      IpcMode: 'shareable',
      ReadonlyRootfs: true,
      PidsLimit: 5,
      UTSMode: 'host',
    });
    expect(body.MacAddress).toBe('02:42:ac:11:00:09');
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { n: { Aliases: [], IPAMConfig: { IPv4Address: '10.1.0.5' } } } });
  });

  it('a network mode of its own sends no ports and publishes nothing', async () => {
    const { createBody } = await import('./create-body.js');
    const body = createBody(validateSpec({ image: 'busybox', system: { networkMode: 'container:other' } }), 'busybox', {}) as unknown as {
      HostConfig: Record<string, unknown>;
      ExposedPorts: object;
    };
    expect(body.HostConfig).toMatchObject({ NetworkMode: 'container:other', PublishAllPorts: false, PortBindings: {} });
    expect(body.ExposedPorts).toEqual({});
  });

  it('rejects bad shapes, naming the field', () => {
    expect(errorOf({ image: 'busybox', system: { ulimit: {} } }).message).toContain('ulimits');
    expect(errorOf({ image: 'busybox', system: { ulimits: { nofile: 5 } } }).message).toContain('system.ulimits.nofile');
    expect(errorOf({ image: 'busybox', system: { networkMode: 'none' }, networks: ['x'] }).message).toContain('networks');
    expect(errorOf({ image: 'busybox', system: { networkMode: 'container:x' }, ports: [80] }).message).toContain('ports');
  });
});
