import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { EngineUnreachableError, InvalidSpecError } from '../errors.js';
import { type DiscoveryIO, discover } from './discovery.js';
import type { EngineEndpoint } from './endpoint.js';

const HOME = '/home/u';

/** A fake filesystem and a ping that answers only for the endpoints listed as alive. */
function fakeIO(files: Record<string, string>, alive: string[]): DiscoveryIO & { pinged: string[] } {
  const pinged: string[] = [];
  return {
    pinged,
    exists: (path) => Object.keys(files).some((f) => f === path || f.startsWith(`${path}/`)),
    readFile: (path) => files[path],
    ping: async (endpoint: EngineEndpoint) => {
      pinged.push(endpoint.display);
      if (alive.some((a) => endpoint.display.startsWith(a))) return { version: '20.10.24', apiVersion: '1.41' };
      throw new Error('connection refused');
    },
  };
}

describe('discover', () => {
  it('uses DOCKER_HOST before any socket', async () => {
    const io = fakeIO({ '/var/run/docker.sock': '' }, ['tcp://10.0.0.2:2375', 'unix:///var/run/docker.sock']);
    const result = await discover(readConfig({ DOCKER_HOST: 'tcp://10.0.0.2:2375' }, HOME), io);
    expect(result.strategy).toBe('DOCKER_HOST');
    expect(result.endpoint).toMatchObject({ protocol: 'http', host: '10.0.0.2', port: 2375 });
    expect(result.attempts).toEqual([{ strategy: 'DOCKER_HOST', endpoint: 'tcp://10.0.0.2:2375', outcome: 'used' }]);
  });

  it('turns tcp into https with DOCKER_TLS_VERIFY and reads the certificates', async () => {
    const files = { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' };
    const io = fakeIO(files, ['tcp://remote:2376']);
    const result = await discover(
      readConfig({ DOCKER_HOST: 'tcp://remote:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, HOME),
      io,
    );
    expect(result.endpoint).toMatchObject({
      protocol: 'https',
      tls: { ca: 'CA', cert: 'CERT', key: 'KEY', verify: true, dir: '/certs', files: { ca: '/certs/ca.pem', cert: '/certs/cert.pem' } },
    });
  });

  it('does not fall through to another engine when the explicit DOCKER_HOST fails', async () => {
    const io = fakeIO({ '/var/run/docker.sock': '' }, ['unix:///var/run/docker.sock']);
    const error = await discover(readConfig({ DOCKER_HOST: 'tcp://127.0.0.1:1' }, HOME), io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnreachableError);
    expect(io.pinged).toEqual(['tcp://127.0.0.1:1']);
    expect((error as EngineUnreachableError).summary).toBe(
      'DOCKER_HOST="tcp://127.0.0.1:1" was chosen explicitly and does not answer: connection refused',
    );
    expect((error as EngineUnreachableError).hint).toContain('does not fall back');
  });

  it('resolves the current docker context through the contexts store', async () => {
    const digest = createHash('sha256').update('remote').digest('hex');
    const files = {
      [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'remote' }),
      [`${HOME}/.docker/contexts/meta/${digest}/meta.json`]: JSON.stringify({ Endpoints: { docker: { Host: 'unix:///run/ctx.sock' } } }),
    };
    const io = fakeIO(files, ['unix:///run/ctx.sock']);
    const result = await discover(readConfig({}, HOME), io);
    expect(result.strategy).toBe('docker context');
    expect(result.endpoint.socketPath).toBe('/run/ctx.sock');
  });

  it('DOCKER_CONTEXT wins over currentContext', async () => {
    const digest = createHash('sha256').update('other').digest('hex');
    const files = {
      [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'missing' }),
      [`${HOME}/.docker/contexts/meta/${digest}/meta.json`]: JSON.stringify({ Endpoints: { docker: { Host: 'tcp://ctx:2375' } } }),
    };
    const result = await discover(readConfig({ DOCKER_CONTEXT: 'other' }, HOME), fakeIO(files, ['tcp://ctx:2375']));
    expect(result.endpoint.host).toBe('ctx');
  });

  it('walks the socket list in order: default, rootless, desktop, podman, colima', async () => {
    const files = { '/run/user/1000/podman/podman.sock': '', [`${HOME}/.colima/default/docker.sock`]: '' };
    const io = fakeIO(files, [`unix://${HOME}/.colima`, 'unix:///run/user/1000/podman']);
    const result = await discover(readConfig({ XDG_RUNTIME_DIR: '/run/user/1000' }, HOME), io);
    expect(result.strategy).toBe('Podman rootless socket');
    const skipped = result.attempts.filter((a) => a.outcome === 'skipped').map((a) => a.reason);
    expect(skipped).toContain('no socket at /var/run/docker.sock');
    expect(skipped).toContain('no socket at /run/user/1000/docker.sock');
    expect(skipped).toContain(`no socket at ${HOME}/.docker/run/docker.sock`);
  });

  it('lists every strategy and why it failed when nothing answers', async () => {
    const error = (await discover(readConfig({}, HOME), fakeIO({ '/var/run/docker.sock': '' }, [])).catch(
      (e: unknown) => e,
    )) as EngineUnreachableError;
    expect(error.code).toBe('BERTH_ENGINE_UNREACHABLE');
    expect(error.hint).toContain('berth doctor');
    const attempts = error.details.attempts as string[];
    expect(attempts.length).toBe(8);
    expect(attempts).toContain('default socket unix:///var/run/docker.sock — failed: connection refused');
    expect(attempts).toContain('rootless socket — skipped: XDG_RUNTIME_DIR is not set');
  });

  it.each(['garbage', 'tcp//bad', 'not a url'])('refuses DOCKER_HOST=%s at once, naming it, and pings nothing', async (value) => {
    const io = fakeIO({ '/var/run/docker.sock': '' }, ['unix:///var/run/docker.sock']);
    const error = (await discover(readConfig({ DOCKER_HOST: value }, HOME), io).catch((e: unknown) => e)) as InvalidSpecError;
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error.summary).toContain(`DOCKER_HOST=${JSON.stringify(value)} is not a usable engine address`);
    expect(io.pinged).toEqual([]);
  });

  it('refuses DOCKER_CONTEXT=nosuch, naming it, instead of using the default socket', async () => {
    const io = fakeIO({ '/var/run/docker.sock': '' }, ['unix:///var/run/docker.sock']);
    const error = (await discover(readConfig({ DOCKER_CONTEXT: 'nosuch' }, HOME), io).catch((e: unknown) => e)) as InvalidSpecError;
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error.summary).toMatch(
      /^DOCKER_CONTEXT="nosuch": context "nosuch" not found \(no \/home\/u\/\.docker\/contexts\/meta\/[0-9a-f]{64}\/meta\.json\)$/,
    );
    expect(error.hint).toContain('docker context ls');
    expect(io.pinged).toEqual([]);
  });

  it('refuses a currentContext the store does not have, naming the config file', async () => {
    const files = { [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'gone' }), '/var/run/docker.sock': '' };
    const io = fakeIO(files, ['unix:///var/run/docker.sock']);
    const error = (await discover(readConfig({}, HOME), io).catch((e: unknown) => e)) as InvalidSpecError;
    expect(error.summary).toContain(`currentContext "gone" in ${HOME}/.docker/config.json: context "gone" not found`);
    expect(io.pinged).toEqual([]);
  });

  it('treats currentContext "default" as no choice and walks the sockets', async () => {
    const files = { [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'default' }), '/var/run/docker.sock': '' };
    const result = await discover(readConfig({}, HOME), fakeIO(files, ['unix:///var/run/docker.sock']));
    expect(result.strategy).toBe('default socket');
  });

  it('the engine option beats DOCKER_HOST, and DOCKER_HOST beats DOCKER_CONTEXT (as in the docker CLI)', async () => {
    const io = fakeIO({}, ['tcp://opt:2375', 'tcp://env:2375']);
    const cfg = readConfig({ DOCKER_HOST: 'tcp://env:2375', DOCKER_CONTEXT: 'nosuch' }, HOME);
    expect((await discover(cfg, io, 'tcp://opt:2375')).strategy).toBe('option');
    expect((await discover(cfg, io)).strategy).toBe('DOCKER_HOST');
    expect(io.pinged).toEqual(['tcp://opt:2375', 'tcp://env:2375']);
  });

  it('an unreachable engine option is final too', async () => {
    const io = fakeIO({ '/var/run/docker.sock': '' }, ['unix:///var/run/docker.sock']);
    const error = (await discover(readConfig({}, HOME), io, 'unix:///nowhere.sock').catch((e: unknown) => e)) as EngineUnreachableError;
    expect(error).toBeInstanceOf(EngineUnreachableError);
    expect(error.summary).toContain('engine option "unix:///nowhere.sock" was chosen explicitly and does not answer');
    expect(io.pinged).toEqual(['unix:///nowhere.sock']);
  });

  it('names the certificate directory when DOCKER_CERT_PATH does not exist', async () => {
    const env = { DOCKER_HOST: 'tcp://remote:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/no/certs' };
    const error = (await discover(readConfig(env, HOME), fakeIO({}, ['tcp://remote'])).catch((e: unknown) => e)) as InvalidSpecError;
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error.summary).toContain('TLS is on but the certificate directory does not exist: DOCKER_CERT_PATH="/no/certs"');
  });

  it('names each missing certificate file', async () => {
    const env = { DOCKER_HOST: 'tcp://remote:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' };
    const error = (await discover(readConfig(env, HOME), fakeIO({ '/certs/cert.pem': 'CERT' }, ['tcp://remote'])).catch(
      (e: unknown) => e,
    )) as InvalidSpecError;
    expect(error.summary).toContain('TLS is on but /certs/ca.pem and /certs/key.pem are missing (from DOCKER_CERT_PATH="/certs")');
  });

  it('with DOCKER_TLS_VERIFY but no DOCKER_CERT_PATH, looks in ~/.docker and says so', async () => {
    const error = (await discover(readConfig({ DOCKER_HOST: 'tcp://remote:2376', DOCKER_TLS_VERIFY: '1' }, HOME), fakeIO({}, [])).catch(
      (e: unknown) => e,
    )) as InvalidSpecError;
    expect(error.summary).toContain(`${HOME}/.docker (the default when DOCKER_CERT_PATH is not set)`);
  });

  it('DOCKER_CERT_PATH without DOCKER_TLS_VERIFY: TLS without verifying the engine, no ca.pem needed', async () => {
    const files = { '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' };
    const result = await discover(
      readConfig({ DOCKER_HOST: 'tcp://remote:2376', DOCKER_CERT_PATH: '/certs' }, HOME),
      fakeIO(files, ['tcp://remote']),
    );
    expect(result.endpoint).toMatchObject({ protocol: 'https', tls: { verify: false, cert: 'CERT', key: 'KEY' } });
  });

  it("a context's TLS material comes from its own folder in the contexts store", async () => {
    const digest = createHash('sha256').update('secure').digest('hex');
    const tlsDir = `${HOME}/.docker/contexts/tls/${digest}/docker`;
    const files = {
      [`${HOME}/.docker/contexts/meta/${digest}/meta.json`]: JSON.stringify({ Endpoints: { docker: { Host: 'tcp://ctx:2376' } } }),
      [`${tlsDir}/ca.pem`]: 'CTX-CA',
    };
    const result = await discover(readConfig({ DOCKER_CONTEXT: 'secure' }, HOME), fakeIO(files, ['tcp://ctx']));
    expect(result.endpoint).toMatchObject({
      protocol: 'https',
      tls: { verify: true, ca: 'CTX-CA', dir: tlsDir, files: { ca: `${tlsDir}/ca.pem` } },
    });
    expect(result.endpoint.display).toBe('tcp://ctx:2376 (tls) (context secure)');
  });
});
