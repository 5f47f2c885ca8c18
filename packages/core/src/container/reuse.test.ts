import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import type { ContainerInspect } from '../engine/engine.js';
import { InvalidSpecError } from '../errors.js';
import { wait } from '../wait/index.js';
import { reuseWanted } from './reuse.js';
import { type DeclaredPort, reuseIdentity } from './reuse-identity.js';
import { judgeReused } from './reuse-state.js';
import type { ContainerSpec } from './spec.js';
import { validateSpec } from './validate.js';

async function hashOf(spec: ContainerSpec, imageId = 'sha256:aaa', reuseKey?: string): Promise<string> {
  const plan = validateSpec(spec);
  const ports: DeclaredPort[] = plan.portPlans.map((p) => ({
    container: p.container,
    protocol: p.protocol,
    host: p.pickFree ? 'free' : p.host,
  }));
  return reuseIdentity({ spec: plan, ports, imageId, reuseKey });
}

const BASE: ContainerSpec = { image: 'postgres:15', env: { A: '1', B: '2' }, command: ['postgres'], ports: [5432] };

describe('reuse identity', () => {
  it('is stable for the same spec, whatever the key order or generated name', async () => {
    const a = await hashOf(BASE);
    const b = await hashOf({ ...BASE, env: { B: '2', A: '1' } });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
  });

  it('changes with each thing that makes the container what it is', async () => {
    const base = await hashOf(BASE);
    const variants: ContainerSpec[] = [
      { ...BASE, env: { A: '1', B: '3' } },
      { ...BASE, command: ['postgres', '-c', 'fsync=off'] },
      { ...BASE, entrypoint: ['/bin/sh'] },
      { ...BASE, ports: [5432, 6432] },
      { ...BASE, ports: [{ container: 5432, host: 15432 }] },
      { ...BASE, labels: { team: 'a' } },
      { ...BASE, resources: { memory: '256m' } },
      { ...BASE, networks: ['n1'] },
      { ...BASE, volumes: [{ name: 'v', target: '/data' }] },
      { ...BASE, copy: [{ content: 'x', target: '/x' }] },
      { ...BASE, wait: wait.log('ready') },
    ];
    for (const variant of variants) expect(await hashOf(variant), JSON.stringify(variant)).not.toBe(base);
    expect(await hashOf(BASE, 'sha256:bbb')).not.toBe(base);
    expect(await hashOf(BASE, 'sha256:aaa', 'migrations-v2')).not.toBe(base);
  });

  it('ignores what does not change the container: timeouts, pull policy, log consumers', async () => {
    const base = await hashOf(BASE);
    expect(await hashOf({ ...BASE, startupTimeoutMs: 5000, pullPolicy: 'never', logConsumer: () => undefined })).toBe(base);
  });

  it("hashes copied files' content, not their paths' timestamps", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-reuse-'));
    const file = join(dir, 'init.sql');
    writeFileSync(file, 'create table a();');
    const spec = { ...BASE, copy: [{ source: dir, target: '/init' }] };
    const first = await hashOf(spec);
    writeFileSync(file, 'create table a();');
    expect(await hashOf(spec)).toBe(first);
    writeFileSync(file, 'create table b();');
    expect(await hashOf(spec)).not.toBe(first);
  });
});

function inspect(over: { labels?: Record<string, string>; image?: string; state?: Partial<ContainerInspect['State']>; ports?: object }) {
  return {
    Id: 'c1',
    Image: over.image ?? 'sha256:aaa',
    Config: { Labels: over.labels ?? { 'dev.berth.reuse': 'h1', 'dev.berth.reuse.deadline': '2000' } },
    State: { Status: 'running', Running: true, Paused: false, Restarting: false, ExitCode: 0, ...over.state },
    NetworkSettings: { Ports: over.ports ?? { '5432/tcp': [{ HostIp: '0.0.0.0', HostPort: '49153' }] } },
  } as unknown as ContainerInspect;
}

describe('judging a container found under a reuse name', () => {
  const expected = { hash: 'h1', imageId: 'sha256:aaa', ports: [{ container: 5432, protocol: 'tcp', host: 0 }] };
  it('uses a running one with the same identity, image and ports', () => {
    expect(judgeReused(inspect({}), expected, 1000)).toEqual({ verdict: 'usable' });
  });
  it('replaces a wrong hash, a changed image, a stopped, unhealthy or restarting one, a lost port', () => {
    const cases = [
      inspect({ labels: { 'dev.berth.reuse': 'other' } }),
      inspect({ image: 'sha256:new' }),
      inspect({ state: { Status: 'exited', Running: false, ExitCode: 137 } }),
      inspect({ state: { Health: { Status: 'unhealthy' } } as never }),
      inspect({ state: { Restarting: true } }),
      inspect({ ports: { '5432/tcp': null } }),
    ];
    const reasons = cases.map((c) => {
      const v = judgeReused(c, expected, 1000);
      expect(v.verdict).toBe('replace');
      return (v as { reason: string }).reason;
    });
    expect(reasons[2]).toContain('exit code 137');
    expect(reasons[5]).toContain('5432/tcp');
  });
  it('waits for one another process created, until its deadline; replaces it after', () => {
    const created = inspect({ state: { Status: 'created', Running: false } });
    expect(judgeReused(created, expected, 1000)).toEqual({ verdict: 'wait', untilMs: 2000 });
    expect(judgeReused(created, expected, 2001)).toMatchObject({ verdict: 'replace' });
  });
});

describe('reuseWanted', () => {
  const cfg = (env: Record<string, string>) => readConfig(env, '/home/x');
  it('follows the spec, then BERTH_REUSE for declared services; CI turns it off unless forced', () => {
    const svc = { service: 'db' };
    expect(reuseWanted({}, cfg({}), svc).reuse).toBe(false);
    expect(reuseWanted({ reuse: true }, cfg({})).reuse).toBe(true);
    expect(reuseWanted({}, cfg({ BERTH_REUSE: '1' }), svc)).toEqual({ reuse: true, reason: 'BERTH_REUSE=1' });
    // A container a test starts for itself (no service name) is not swept into the run's reuse.
    expect(reuseWanted({}, cfg({ BERTH_REUSE: '1' })).reuse).toBe(false);
    expect(reuseWanted({ reuse: false }, cfg({ BERTH_REUSE: '1' }), svc).reuse).toBe(false);
    expect(reuseWanted({ reuse: true }, cfg({ CI: 'true' }))).toEqual({
      reuse: false,
      reason: 'CI is set (BERTH_REUSE=force reuses anyway)',
    });
    expect(reuseWanted({ reuse: true }, cfg({ CI: 'true', BERTH_REUSE: 'force' })).reuse).toBe(true);
    expect(reuseWanted({}, cfg({ CI: '0', BERTH_REUSE: 'true' }), svc).reuse).toBe(true);
  });
  it('rejects a reuse that is not a boolean', () => {
    expect(() => reuseWanted({ reuse: 'yes' as never }, cfg({}))).toThrow(InvalidSpecError);
  });
  it('reads BERTH_REUSE_TTL in minutes (default 30)', () => {
    expect(cfg({}).reuseTtlMs).toBe(30 * 60_000);
    expect(cfg({ BERTH_REUSE_TTL: '0.5' }).reuseTtlMs).toBe(30_000);
  });
});
