import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../errors.js';
import type { ContainerSpec } from '../spec.js';
import { validateSpec } from '../validate.js';
import { resolveEnv } from './env.js';
import { resolveName, resolvePlatform, resolvePullPolicy } from './image.js';
import { resolveLabels } from './labels.js';
import { parseBytes, resolveLimits } from './limits.js';
import { resolveBinds, resolveCopy, resolveTmpfs, resolveVolumes } from './mounts.js';
import { resolveExtraHosts, resolveNetworks } from './networks.js';
import { resolvePorts } from './ports.js';
import { resolveHealthcheck, resolveStartupTimeout, resolveStopTimeout, resolveWait } from './runtime.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidSpecError) return error.summary;
    throw error;
  }
  throw new Error('expected an InvalidSpecError');
}

describe('resolveEnv', () => {
  it('stringifies values and rejects bad names and values', () => {
    expect(resolveEnv({ A: 1, B: true, C: 'x' })).toEqual({ A: '1', B: 'true', C: 'x' });
    expect(resolveEnv(undefined)).toEqual({});
    expect(message(() => resolveEnv({ 'A=B': 'x' }))).toBe('expected `env["A=B"]` to be a name without "=", got "A=B"');
    expect(message(() => resolveEnv({ A: null }))).toBe('expected `env.A` to be a string, number or boolean, got null');
    expect(message(() => resolveEnv(['A=1']))).toContain('`env` to be an object of strings');
  });
});

describe('resolveLabels', () => {
  it('keeps string labels and refuses the reserved prefix', () => {
    expect(resolveLabels({ team: 'db' })).toEqual({ team: 'db' });
    expect(message(() => resolveLabels({ 'dev.berth.session': 'x' }))).toContain('reserved prefix');
    expect(message(() => resolveLabels({ n: 1 }))).toBe('expected `labels.n` to be a string, got 1');
  });
});

describe('resolvePorts', () => {
  it('accepts every form and names unknown keys of the object form', () => {
    expect(resolvePorts([80, '53/udp', { container: 9092, host: 'free' }]).map((p) => [p.container, p.protocol, p.pickFree])).toEqual([
      [80, 'tcp', false],
      [53, 'udp', false],
      [9092, 'tcp', true],
    ]);
    expect(message(() => resolvePorts([{ container: 80, hostPort: 8080 } as never]))).toBe(
      'unknown key `hostPort` in `ports[0]`; did you mean `host`?',
    );
    expect(message(() => resolvePorts([80, 80]))).toContain('a port not listed twice');
  });
});

describe('mount resolvers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-resolve-'));
  it('binds: absolute, existing sources; unknown keys named', () => {
    expect(resolveBinds([{ source: dir, target: '/data' }])).toEqual([{ source: dir, target: '/data', readOnly: false }]);
    expect(message(() => resolveBinds([{ source: 'rel', target: '/x' }]))).toContain('an absolute host path');
    expect(message(() => resolveBinds([{ source: dir, target: '/x', readonly: true }]))).toBe(
      'unknown key `readonly` in `binds[0]`; did you mean `readOnly`?',
    );
  });
  it('volumes, tmpfs and copy check their shape and keys', () => {
    expect(resolveVolumes([{ name: 'v', target: '/v', readOnly: true }])).toEqual([{ name: 'v', target: '/v', readOnly: true }]);
    expect(message(() => resolveVolumes([{ name: 'v', target: '/v', readOnly: 'yes' }]))).toContain('`volumes[0].readOnly`');
    expect(resolveTmpfs([{ target: '/t', options: 'size=1m' }])).toEqual([{ target: '/t', options: 'size=1m' }]);
    expect(message(() => resolveTmpfs([{ target: '/t', size: '1m' }]))).toBe('unknown key `size` in `tmpfs[0]`');
    expect(resolveCopy([{ content: 'x', target: '/x' }])).toEqual([{ content: 'x', target: '/x' }]);
    expect(message(() => resolveCopy([{ content: 'x', target: '/x', mod: 0o644 }]))).toContain('did you mean `mode`?');
  });
});

describe('network resolvers', () => {
  it('networks and extraHosts', () => {
    expect(resolveNetworks(['n', { name: 'm', aliases: ['db'] }])).toEqual([
      { name: 'n', aliases: [] },
      { name: 'm', aliases: ['db'] },
    ]);
    expect(message(() => resolveNetworks([{ name: 'm', alias: ['db'] }]))).toContain('did you mean `aliases`?');
    expect(resolveExtraHosts({ 'db.local': '10.0.0.5' })).toEqual(['db.local:10.0.0.5']);
    expect(message(() => resolveExtraHosts({ a: '' }))).toContain('`extraHosts.a` to be an address');
  });
});

describe('resolveLimits', () => {
  it('parses sizes and CPUs, names unknown keys', () => {
    expect(resolveLimits({ memory: '512m', cpus: 0.5, shmSize: 1024 })).toEqual({
      memoryBytes: 512 * 1024 ** 2,
      nanoCpus: 500_000_000,
      shmSizeBytes: 1024,
    });
    expect(resolveLimits(undefined)).toEqual({ memoryBytes: undefined, nanoCpus: undefined, shmSizeBytes: undefined });
    expect(parseBytes('1g', 'm')).toBe(1024 ** 3);
    expect(message(() => resolveLimits({ cpus: 0 }))).toContain('a positive number of CPUs');
    expect(message(() => resolveLimits({ ulimits: {} }))).toBe('unknown key `ulimits` in `resources`');
    expect(message(() => resolveLimits({ memroy: '1g' }))).toContain('did you mean `memory`?');
  });
});

describe('image and runtime resolvers', () => {
  it('name, platform, pull policy', () => {
    expect(resolveName(undefined, 'ghcr.io/org/app:1')).toMatch(/^berth-app-[0-9a-f]{8}$/);
    expect(message(() => resolveName('-bad', 'x'))).toContain('a container name');
    expect(resolvePlatform('linux/amd64')).toBe('linux/amd64');
    expect(message(() => resolvePlatform('amd64'))).toContain('os/arch');
    expect(resolvePullPolicy('always')).toBe('always');
    expect(message(() => resolvePullPolicy('sometimes'))).toContain('"missing" or "always" or "never"');
  });
  it('timeouts, healthcheck, wait', () => {
    expect(resolveStartupTimeout(undefined)).toBe(60_000);
    expect(message(() => resolveStartupTimeout(-5))).toBe('expected `startupTimeoutMs` to be a positive number of milliseconds, got -5');
    expect(resolveStopTimeout(0)).toBe(0);
    expect(message(() => resolveStopTimeout(1.5))).toContain('whole number of seconds');
    expect(resolveHealthcheck({ test: ['CMD', 'true'], retries: 3 })).toEqual({ test: ['CMD', 'true'], retries: 3 });
    expect(message(() => resolveHealthcheck({ test: 'true', interval: 1000 }))).toContain('did you mean `intervalMs`?');
    expect(message(() => resolveWait({}))).toContain('a wait strategy');
  });
});

describe('validateSpec strictness', () => {
  it('names an unknown top-level key with the real name of a near miss', () => {
    const spec = { image: 'busybox', environment: { FOO: 'bar' } } as unknown as ContainerSpec;
    expect(message(() => validateSpec(spec))).toBe('unknown key `environment` in the container spec; did you mean `env`?');
    expect(message(() => validateSpec({ image: 'busybox', startupTimeout: 5 } as never))).toContain('did you mean `startupTimeoutMs`?');
    expect(message(() => validateSpec({ image: 'busybox', autoRemove: true } as never))).toContain('did you mean `keep`?');
    expect(message(() => validateSpec({ image: 'busybox', ulimits: [] } as never))).toBe('unknown key `ulimits` in the container spec');
  });
});
