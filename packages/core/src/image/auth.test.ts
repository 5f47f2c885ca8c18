import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact } from '../log.js';
import { normaliseHost, resolveRegistryAuth } from './auth.js';

let root: string;
let binDir: string;
let counter = 0;

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A config dir holding `doc` as config.json. */
async function configDir(doc: unknown): Promise<string> {
  const dir = join(root, `cfg-${counter++}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
  return dir;
}

function lookup(registry: string, dockerConfigDir: string, dockerAuthConfig?: string) {
  return resolveRegistryAuth(registry, {
    config: { dockerConfigDir, dockerAuthConfig },
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` },
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-auth-'));
  binDir = join(root, 'bin');
  await mkdir(binDir);
  // A fake helper: answers from a table keyed by the server URL it reads on stdin, and records
  // what it was asked so tests can check the URL.
  const helper = `#!/bin/sh
[ "$1" = get ] || exit 3
read -r url
echo "$url" >> "${root}/asked.log"
case "$url" in
  https://index.docker.io/v1/) echo '{"ServerURL":"'$url'","Username":"hubuser","Secret":"hub-helper-secret"}' ;;
  ghcr.io) echo '{"ServerURL":"ghcr.io","Username":"<token>","Secret":"ghcr-identity-token"}' ;;
  garbage.example) echo 'not json' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
  await writeFile(join(binDir, 'docker-credential-fake'), helper);
  await chmod(join(binDir, 'docker-credential-fake'), 0o755);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('normaliseHost', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['http://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
    ['GHCR.io', 'ghcr.io'],
  ])('%s -> %s', (key, host) => expect(normaliseHost(key)).toBe(host));
});

describe('resolveRegistryAuth: auths', () => {
  it('decodes base64 "auth" and uses the Docker Hub key variants', async () => {
    const dir = await configDir({ auths: { 'https://index.docker.io/v1/': { auth: b64('alice:s3cret-hub') } } });
    const found = await lookup('docker.io', dir);
    expect(found?.auth).toEqual({ username: 'alice', password: 's3cret-hub', serveraddress: 'https://index.docker.io/v1/' });
    expect(found?.source).toContain('auths["https://index.docker.io/v1/"]');
  });

  it('matches a key with scheme and path to a host:port registry', async () => {
    const dir = await configDir({ auths: { 'http://127.0.0.1:5000/v2/': { username: 'bob', password: 'pw-bob-1' } } });
    expect((await lookup('127.0.0.1:5000', dir))?.auth).toEqual({ username: 'bob', password: 'pw-bob-1', serveraddress: '127.0.0.1:5000' });
  });

  it('keeps a password that contains ":"', async () => {
    const dir = await configDir({ auths: { 'r.example': { auth: b64('u:pa:ss') } } });
    expect((await lookup('r.example', dir))?.auth.password).toBe('pa:ss');
  });

  it('prefers an identity token', async () => {
    const dir = await configDir({ auths: { 'r.example': { auth: b64('u:p1234'), identitytoken: 'idtok-123' } } });
    expect((await lookup('r.example', dir))?.auth).toEqual({ identitytoken: 'idtok-123', serveraddress: 'r.example' });
  });

  it('ignores an empty placeholder entry and a malformed auth', async () => {
    const dir = await configDir({ auths: { 'r.example': {}, 'q.example': { auth: b64('nocolon') } } });
    expect(await lookup('r.example', dir)).toBeUndefined();
    expect(await lookup('q.example', dir)).toBeUndefined();
  });

  it('returns nothing for other registries, a missing file and a broken file', async () => {
    const dir = await configDir({ auths: { 'r.example': { auth: b64('u:p1234') } } });
    expect(await lookup('other.example', dir)).toBeUndefined();
    expect(await lookup('r.example', join(root, 'does-not-exist'))).toBeUndefined();
    expect(await lookup('r.example', await configDir('{ not json'))).toBeUndefined();
  });

  it('registers every secret it reads for redaction', async () => {
    const dir = await configDir({ auths: { 'r.example': { auth: b64('carol:very-private-pw') } } });
    await lookup('r.example', dir);
    expect(redact('password=very-private-pw')).toBe('password=***');
    expect(redact(b64('carol:very-private-pw'))).toBe('***');
  });
});

describe('resolveRegistryAuth: DOCKER_AUTH_CONFIG', () => {
  it('wins over the config file', async () => {
    const dir = await configDir({ auths: { 'r.example': { auth: b64('file:file-pw') } } });
    const inline = JSON.stringify({ auths: { 'r.example': { auth: b64('inline:inline-pw') } } });
    const found = await lookup('r.example', dir, inline);
    expect(found?.auth.username).toBe('inline');
    expect(found?.source).toContain('DOCKER_AUTH_CONFIG');
  });

  it('falls through to the file when it has no entry for the registry, or is not JSON', async () => {
    const dir = await configDir({ auths: { 'r.example': { auth: b64('file:file-pw') } } });
    expect((await lookup('r.example', dir, JSON.stringify({ auths: { 'x.example': { auth: b64('a:bcd') } } })))?.auth.username).toBe(
      'file',
    );
    expect((await lookup('r.example', dir, 'nope'))?.auth.username).toBe('file');
  });
});

describe('resolveRegistryAuth: credential helpers', () => {
  it('credsStore: asks the helper with the Docker Hub server URL', async () => {
    const dir = await configDir({ credsStore: 'fake', auths: { 'https://index.docker.io/v1/': {} } });
    const found = await lookup('docker.io', dir);
    expect(found?.auth).toEqual({ username: 'hubuser', password: 'hub-helper-secret', serveraddress: 'https://index.docker.io/v1/' });
    expect(found?.source).toContain('credsStore (docker-credential-fake)');
    // Registered: hidden even where only a registered value would be recognised (a URL token).
    expect(redact('https://hub-helper-secret@registry.test')).toBe('https://***@registry.test');
  });

  it('credHelpers[registry] wins over credsStore and auths; "<token>" means identity token', async () => {
    const dir = await configDir({
      credsStore: 'missing-helper',
      credHelpers: { 'ghcr.io': 'fake' },
      auths: { 'ghcr.io': { auth: b64('file:file-pw') } },
    });
    const found = await lookup('ghcr.io', dir);
    expect(found?.auth).toEqual({ identitytoken: 'ghcr-identity-token', serveraddress: 'ghcr.io' });
  });

  it('a helper that knows nothing, or prints garbage, falls back to auths', async () => {
    const dir = await configDir({
      credsStore: 'fake',
      auths: { 'r.example': { auth: b64('file:file-pw') }, 'garbage.example': { auth: b64('g:gpw1') } },
    });
    expect((await lookup('r.example', dir))?.auth.username).toBe('file');
    expect((await lookup('garbage.example', dir))?.auth.username).toBe('g');
    expect(await lookup('nothing.example', dir)).toBeUndefined();
  });

  it('a helper binary that is not installed yields no credentials instead of a crash', async () => {
    const dir = await configDir({ credsStore: 'not-installed-anywhere', credHelpers: { 'q.example': 'also-missing' } });
    expect(await lookup('docker.io', dir)).toBeUndefined();
    expect(await lookup('q.example', dir)).toBeUndefined();
  });

  it('refuses helper names that are not plain program names', async () => {
    const dir = await configDir({ credsStore: '../../bin/sh' });
    expect(await lookup('docker.io', dir)).toBeUndefined();
  });
});
