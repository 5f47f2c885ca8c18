import { describe, expect, it } from 'vitest';
import { InvalidImageReferenceError } from '../errors.js';
import {
  canonicalReference,
  familiarReference,
  isValidImageReference,
  parseImageReference,
  pullReference,
  withHubMirror,
} from './reference.js';

const HEX = 'a'.repeat(64);
const DIGEST = `sha256:${HEX}`;

describe('parseImageReference: valid references', () => {
  const cases: Array<[string, { registry: string; repository: string; tag?: string; digest?: string }, string]> = [
    ['postgres', { registry: 'docker.io', repository: 'library/postgres', tag: 'latest' }, 'docker.io/library/postgres:latest'],
    ['postgres:15', { registry: 'docker.io', repository: 'library/postgres', tag: '15' }, 'docker.io/library/postgres:15'],
    ['library/postgres', { registry: 'docker.io', repository: 'library/postgres', tag: 'latest' }, 'docker.io/library/postgres:latest'],
    [
      'docker.io/library/postgres:15',
      { registry: 'docker.io', repository: 'library/postgres', tag: '15' },
      'docker.io/library/postgres:15',
    ],
    ['docker.io/postgres', { registry: 'docker.io', repository: 'library/postgres', tag: 'latest' }, 'docker.io/library/postgres:latest'],
    ['index.docker.io/library/redis:7', { registry: 'docker.io', repository: 'library/redis', tag: '7' }, 'docker.io/library/redis:7'],
    ['bitnami/redis:7.2', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' }, 'docker.io/bitnami/redis:7.2'],
    ['ghcr.io/org/app:1.2', { registry: 'ghcr.io', repository: 'org/app', tag: '1.2' }, 'ghcr.io/org/app:1.2'],
    ['ghcr.io/org/team/app', { registry: 'ghcr.io', repository: 'org/team/app', tag: 'latest' }, 'ghcr.io/org/team/app:latest'],
    ['localhost:5000/x/y:tag', { registry: 'localhost:5000', repository: 'x/y', tag: 'tag' }, 'localhost:5000/x/y:tag'],
    ['localhost/img', { registry: 'localhost', repository: 'img', tag: 'latest' }, 'localhost/img:latest'],
    ['127.0.0.1:5000/img', { registry: '127.0.0.1:5000', repository: 'img', tag: 'latest' }, '127.0.0.1:5000/img:latest'],
    ['[::1]:5000/img:v1', { registry: '[::1]:5000', repository: 'img', tag: 'v1' }, '[::1]:5000/img:v1'],
    ['Registry.Example.COM/app', { registry: 'Registry.Example.COM', repository: 'app', tag: 'latest' }, 'Registry.Example.COM/app:latest'],
    ['my-registry:443/a', { registry: 'my-registry:443', repository: 'a', tag: 'latest' }, 'my-registry:443/a:latest'],
    [
      `postgres@${DIGEST}`,
      { registry: 'docker.io', repository: 'library/postgres', digest: DIGEST },
      `docker.io/library/postgres@${DIGEST}`,
    ],
    [
      `postgres:15@${DIGEST}`,
      { registry: 'docker.io', repository: 'library/postgres', tag: '15', digest: DIGEST },
      `docker.io/library/postgres:15@${DIGEST}`,
    ],
    [`localhost:5000/x@${DIGEST}`, { registry: 'localhost:5000', repository: 'x', digest: DIGEST }, `localhost:5000/x@${DIGEST}`],
    [
      'a.b-c_d__e---f:Tag_1.2-rc',
      { registry: 'docker.io', repository: 'library/a.b-c_d__e---f', tag: 'Tag_1.2-rc' },
      'docker.io/library/a.b-c_d__e---f:Tag_1.2-rc',
    ],
    [
      `x:${'t'.repeat(128)}`,
      { registry: 'docker.io', repository: 'library/x', tag: 't'.repeat(128) },
      `docker.io/library/x:${'t'.repeat(128)}`,
    ],
  ];

  for (const [input, expected, canonical] of cases) {
    it(input, () => {
      const ref = parseImageReference(input);
      expect(ref.registry).toBe(expected.registry);
      expect(ref.repository).toBe(expected.repository);
      expect(ref.tag).toBe(expected.tag);
      expect(ref.digest).toBe(expected.digest);
      expect(canonicalReference(ref)).toBe(canonical);
      expect(isValidImageReference(input)).toBe(true);
    });
  }

  it('a tag may start with "_" or a digit', () => {
    expect(parseImageReference('x:_a').tag).toBe('_a');
    expect(parseImageReference('x:1').tag).toBe('1');
  });

  it('no default tag when a digest pins the image', () => {
    expect(parseImageReference(`redis@${DIGEST}`).tag).toBeUndefined();
  });

  it('flags Docker Hub names', () => {
    expect(parseImageReference('redis').isDockerHub).toBe(true);
    expect(parseImageReference('docker.io/org/x').isDockerHub).toBe(true);
    expect(parseImageReference('ghcr.io/org/x').isDockerHub).toBe(false);
    expect(parseImageReference('localhost/x').isDockerHub).toBe(false);
  });

  it('accepts other digest algorithms of the right shape', () => {
    const d = `sha512:${'b'.repeat(128)}`;
    expect(parseImageReference(`x@${d}`).digest).toBe(d);
  });
});

describe('familiar and pull forms', () => {
  it.each([
    ['docker.io/library/postgres:15', 'postgres:15', 'postgres:15'],
    ['postgres', 'postgres:latest', 'postgres:latest'],
    ['docker.io/bitnami/redis', 'bitnami/redis:latest', 'bitnami/redis:latest'],
    ['ghcr.io/org/app:1.2', 'ghcr.io/org/app:1.2', 'ghcr.io/org/app:1.2'],
    [`postgres:15@${DIGEST}`, `postgres:15@${DIGEST}`, `postgres@${DIGEST}`],
    [`127.0.0.1:5000/img@${DIGEST}`, `127.0.0.1:5000/img@${DIGEST}`, `127.0.0.1:5000/img@${DIGEST}`],
  ])('%s', (input, familiar, pull) => {
    const ref = parseImageReference(input);
    expect(familiarReference(ref)).toBe(familiar);
    expect(pullReference(ref)).toBe(pull);
  });
});

describe('withHubMirror', () => {
  it('prefixes Docker Hub names, keeping library/', () => {
    const ref = withHubMirror(parseImageReference('postgres:15'), 'mirror.local:5000');
    expect(familiarReference(ref)).toBe('mirror.local:5000/library/postgres:15');
    expect(ref.isDockerHub).toBe(false);
  });

  it('accepts a path prefix, a scheme and trailing slashes', () => {
    const ref = withHubMirror(parseImageReference('bitnami/redis:7'), 'https://harbor.example/proxy/');
    expect(familiarReference(ref)).toBe('harbor.example/proxy/bitnami/redis:7');
  });

  it('keeps the digest', () => {
    const ref = withHubMirror(parseImageReference(`redis@${DIGEST}`), 'm.local');
    expect(familiarReference(ref)).toBe(`m.local/library/redis@${DIGEST}`);
  });

  it('leaves other registries and an empty mirror alone', () => {
    const ghcr = parseImageReference('ghcr.io/org/app:1');
    expect(withHubMirror(ghcr, 'mirror.local')).toBe(ghcr);
    const hub = parseImageReference('redis');
    expect(withHubMirror(hub, undefined)).toBe(hub);
    expect(withHubMirror(hub, '')).toBe(hub);
  });

  it('reports a malformed mirror as a bad reference', () => {
    expect(() => withHubMirror(parseImageReference('redis'), 'bad host:5000')).toThrow(InvalidImageReferenceError);
  });
});

describe('parseImageReference: malformed references', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/],
    [' postgres', /white space/],
    ['postgres ', /white space/],
    ['post gres', /white space/],
    ['Postgres', /lower case/],
    ['myOrg/app', /lower case/],
    ['ghcr.io/Org/app', /lower case/],
    ['postgres:', /tag after ":" is empty/],
    ['postgres:.x', /tag ".x"/],
    ['postgres:-x', /tag "-x"/],
    ['postgres:a/b:c', /registry port "a"/],
    ['postgres:bad!', /tag "bad!"/],
    [`postgres:${'t'.repeat(129)}`, /129 characters long \(at most 128\)/],
    ['postgres@', /digest after "@" is empty/],
    ['postgres@sha256:abc', /64 lower-case hex digits, got 3/],
    [`postgres@sha256:${'A'.repeat(64)}`, /64 lower-case hex/],
    [`postgres@sha256:${'a'.repeat(63)}`, /got 63/],
    ['postgres@latest', /<algorithm>:<hex>/],
    [`postgres@${DIGEST}@${DIGEST}`, /digest/],
    [':15', /repository name is empty/],
    ['/postgres', /empty path component/],
    ['org//app', /empty path component/],
    ['org/app/', /empty path component/],
    ['ghcr.io/', /repository name is empty/],
    ['_x', /repository component "_x"/],
    ['x-', /repository component "x-"/],
    ['a..b', /repository component "a..b"/],
    ['a___b', /repository component "a___b"/],
    ['-bad.example/x', /registry host/],
    ['bad_host.example/x', /registry host/],
    ['host.example:99999/x', /port "99999"/],
    ['host.example:0/x', /port "0"/],
    ['localhost:port/x', /port "port"/],
    ['a:1:2/x', /more than one ":"/],
    ['[::1/x', /IPv6/],
    ['https://ghcr.io/org/app', /URL scheme/],
    [HEX, /image id/],
    [`ghcr.io/${'a'.repeat(250)}`, /at most 255/],
  ];

  it.each(cases)('%j is rejected', (input, why) => {
    let error: unknown;
    try {
      parseImageReference(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidImageReferenceError);
    const e = error as InvalidImageReferenceError;
    expect(e.code).toBe('BERTH_INVALID_IMAGE_REFERENCE');
    expect(e.summary).toContain(`"${input}"`);
    expect(e.summary).toMatch(why);
    expect(isValidImageReference(input)).toBe(false);
  });

  it('rejects non-strings from untyped callers', () => {
    expect(() => parseImageReference(undefined as unknown as string)).toThrow(InvalidImageReferenceError);
  });
});
