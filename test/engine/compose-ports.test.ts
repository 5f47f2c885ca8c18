// Published ports of compose files on a shared engine (#28 item 3, #27 item 4b): by default every
// `ports:` entry lands on a free host port, so one file with `5432:5432` starts twice at once; kept
// as written (`hostPorts: 'as-written'`), a host port something else holds is a typed error naming
// the port and the option, for compose and for a plain start() alike, and leaves nothing behind.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PortInUseError, start } from '@berth/core';
import { ComposeStartError, startCompose } from '@berth/core/compose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function leftovers(project: string): Promise<string[]> {
  const filter = `label=com.docker.compose.project=${project}`;
  const lists = await Promise.all([
    run('docker', ['ps', '-a', '--filter', filter, '--format', '{{.Names}}']),
    run('docker', ['network', 'ls', '--filter', filter, '--format', '{{.Name}}']),
  ]);
  return lists.flatMap(({ stdout }) => stdout.split('\n').filter(Boolean));
}

function projectDir(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-compose-ports-'));
  writeFileSync(path.join(dir, 'compose.yaml'), text);
  return dir;
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 10)}`;

// A host port held by a process of this machine, as a developer's own postgres would hold 5432.
let holder: Server;
let held: number;
beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
  held = (holder.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => holder.close(() => resolve()));
});

describe('compose ports on a shared engine', () => {
  it('starts a file with 5432:5432 twice at once: each run publishes on a free host port', async () => {
    const dir = projectDir(`
services:
  db:
    image: postgres:15
    environment: { POSTGRES_PASSWORD: postgres }
    ports: ["5432:5432"]
    healthcheck: { test: [CMD-SHELL, pg_isready -U postgres], interval: 500ms, retries: 120 }
`);
    const names = [unique('berthports'), unique('berthports')];
    const results = await Promise.allSettled(names.map((projectName) => startCompose({ cwd: dir, projectName })));
    try {
      const envs = results.map((r) => {
        if (r.status === 'rejected') throw r.reason;
        return r.value;
      });
      const ports = envs.map((env) => env.service('db').mappedPort(5432));
      expect(new Set(ports).size).toBe(2);
      expect(ports).not.toContain(5432);
      for (const env of envs) expect(env.details().db?.ports['5432']).toBe(env.service('db').mappedPort(5432));
    } finally {
      await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    }
    for (const name of names) expect(await leftovers(name)).toEqual([]);
  });

  it("with hostPorts: 'as-written', a taken host port is a typed error naming the port and the option", async () => {
    const dir = projectDir(`services:\n  web:\n    image: busybox:latest\n    command: [sleep, "300"]\n    ports: ["${held}:80"]\n`);
    const projectName = unique('berthports');
    const error = await startCompose({ cwd: dir, projectName, hostPorts: 'as-written' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeStartError);
    const started = error as ComposeStartError;
    expect(started.summary).toContain(`host port ${held} is already in use`);
    expect(started.hint).toContain("hostPorts: 'as-written'");
    expect(started.hint).toContain(`port ${held}`);
    expect(started.cause).toBeInstanceOf(PortInUseError);
    expect(started.details).toMatchObject({ port: held, service: 'web' });
    expect(await leftovers(projectName)).toEqual([]);
  });

  it('a plain start() on a taken fixed host port fails with PortInUseError and leaves no container', async () => {
    const name = unique('berth-port-taken');
    const error = await start({ image: 'busybox:latest', name, command: ['sleep', '300'], ports: [{ container: 80, host: held }] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    const taken = error as PortInUseError;
    expect(taken.code).toBe('BERTH_PORT_IN_USE');
    expect(taken.details).toMatchObject({ port: held });
    expect(taken.summary).toContain(`host port ${held} is already in use`);
    expect(taken.hint).toContain("host: 'free'");
    const { stdout } = await run('docker', ['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Names}}']);
    expect(stdout.trim()).toBe('');
  });
});
