// Networks and volumes against the real engine, created in this test process (which thereby owns a
// session; afterAll ends it).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { core } from '../support/session-core.mjs';

const run = promisify(execFile);

async function inspect(kind: 'network' | 'volume', name: string): Promise<{ Labels: Record<string, string> | null } | undefined> {
  try {
    const { stdout } = await run('docker', [kind, 'inspect', name]);
    return (JSON.parse(stdout) as { Labels: Record<string, string> | null }[])[0];
  } catch {
    return undefined;
  }
}

async function container(
  engine: Awaited<ReturnType<typeof core.getEngine>>,
  labels: Record<string, string>,
  network: string,
  aliases: string[],
  cmd: string[],
) {
  const id: string = await engine.createContainer({
    Image: 'busybox:latest',
    Cmd: cmd,
    Labels: labels,
    HostConfig: { NetworkMode: network },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: aliases } } },
  });
  await engine.startContainer(id);
  return id;
}

afterAll(async () => {
  await core.endSession();
});

describe('createNetwork', () => {
  it('containers reach each other by alias on a created network', async () => {
    const engine = await core.getEngine();
    const session = await core.createSession();
    const net = await core.createNetwork();
    expect(net.name).toMatch(/^berth-net-[0-9a-f]{12}$/);
    const labels = (await inspect('network', net.name))?.Labels ?? {};
    expect(labels['dev.berth.session']).toBe(session.id);
    expect(labels['dev.berth.owner.pid']).toBe(String(process.pid));

    await container(
      engine,
      session.labels,
      net.name,
      ['web'],
      ['sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www'],
    );
    const client = await container(engine, session.labels, net.name, [], ['sleep', '600']);
    // busybox's static wget crashes in name resolution; nc does not. A raw HTTP request it is.
    const request = ['sh', '-c', 'printf "GET /index.html HTTP/1.0\\r\\n\\r\\n" | nc -w 2 web 8080'];
    let result = { exitCode: -1, stdout: '', stderr: '' };
    for (let i = 0; i < 50 && !result.stdout.includes('hello-from-web'); i++) {
      result = await engine.exec(client, request);
      if (!result.stdout.includes('hello-from-web')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(result.stdout).toMatch(/^HTTP\/1\.[01] 200/);
    expect(result.stdout).toContain('hello-from-web');
  });

  it('an internal network has no way out, takes user labels and a given name', async () => {
    const name = `berth-test-internal-${process.pid}`;
    const net = await core.createNetwork({ name, internal: true, labels: { team: 'infra' } });
    const { stdout } = await run('docker', ['network', 'inspect', name, '--format', '{{.Internal}} {{index .Labels "team"}}']);
    expect(stdout.trim()).toBe('true infra');
    await net.remove();
    await net.remove();
    expect(await inspect('network', name)).toBeUndefined();
  });

  it('await using removes it at the end of the scope', async () => {
    let name = '';
    {
      await using net = await core.createNetwork();
      name = net.name;
      expect(await inspect('network', name)).toBeDefined();
    }
    expect(await inspect('network', name)).toBeUndefined();
  });

  it('rejects reserved labels and bad names before touching the engine', async () => {
    await expect(core.createNetwork({ labels: { 'dev.berth.session': 'x' } })).rejects.toMatchObject({ code: 'BERTH_INVALID_SPEC' });
    await expect(core.createNetwork({ name: '-bad name' })).rejects.toThrow(/expected `name` to match/);
  });
});

describe('createVolume', () => {
  it('a session volume carries the session labels and goes with endSession; a kept one stays', async () => {
    const session = await core.createSession();
    const volume = await core.createVolume();
    const kept = await core.createVolume({ name: `berth-test-kept-${process.pid}`, keep: true, labels: { purpose: 'cache' } });
    try {
      expect(volume.name).toMatch(/^berth-vol-[0-9a-f]{12}$/);
      expect((await inspect('volume', volume.name))?.Labels?.['dev.berth.session']).toBe(session.id);
      const keptLabels = (await inspect('volume', kept.name))?.Labels ?? {};
      expect(keptLabels['dev.berth.kept']).toBe('true');
      expect(keptLabels['dev.berth.session']).toBeUndefined();
      expect(keptLabels.purpose).toBe('cache');

      // The same kept name again is the same volume (a cache reused across runs).
      const again = await core.createVolume({ name: kept.name, keep: true });
      expect(again.name).toBe(kept.name);
      await again[Symbol.asyncDispose]();
      expect(await inspect('volume', kept.name)).toBeDefined();

      await core.endSession();
      expect(await inspect('volume', volume.name)).toBeUndefined();
      expect(await inspect('volume', kept.name)).toBeDefined();
    } finally {
      await kept.remove();
    }
    expect(await inspect('volume', kept.name)).toBeUndefined();
  });

  it('refuses a named non-kept volume that exists outside the session', async () => {
    const name = `berth-test-foreign-${process.pid}`;
    const kept = await core.createVolume({ name, keep: true });
    try {
      await expect(core.createVolume({ name })).rejects.toMatchObject({ code: 'BERTH_INVALID_SPEC' });
    } finally {
      await kept.remove();
    }
  });
});
