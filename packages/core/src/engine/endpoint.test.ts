import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { parseDockerHost } from './endpoint.js';

describe('parseDockerHost', () => {
  it.each([
    ['unix:///var/run/docker.sock', { protocol: 'unix', socketPath: '/var/run/docker.sock' }],
    ['tcp://127.0.0.1:2375', { protocol: 'http', host: '127.0.0.1', port: 2375 }],
    ['tcp://engine.local', { protocol: 'http', host: 'engine.local', port: 2375 }],
    ['tcp://[::1]:2375', { protocol: 'http', host: '::1', port: 2375 }],
    ['ssh://me@build-box', { protocol: 'ssh', host: 'build-box', port: 22, username: 'me' }],
  ])('%s', (value, expected) => {
    expect(parseDockerHost(value)).toMatchObject(expected);
  });

  it('defaults to 2376 and https when TLS is on', () => {
    expect(parseDockerHost('tcp://remote', { verify: true })).toMatchObject({ protocol: 'https', port: 2376 });
  });

  it('rejects unknown schemes with a hint', () => {
    expect(() => parseDockerHost('ftp://x')).toThrow(InvalidSpecError);
    expect(() => parseDockerHost('ftp://x')).toThrow(/DOCKER_HOST="ftp:\/\/x" is not a usable engine address: unsupported scheme "ftp:"/);
  });

  // What the docker CLI refuses (`unable to parse docker host`), berth refuses too, naming the source.
  it.each([
    ['garbage', 'expected SCHEME://ADDRESS'],
    ['tcp//bad', 'expected SCHEME://ADDRESS'],
    ['tcp://', 'no host name'],
    ['tcp://host:99999', 'does not parse'],
    ['tcp://host:2375/some/path', 'unexpected path'],
    ['unix://', 'no socket path'],
    ['ssh://', 'no host name'],
  ])('refuses %s', (value, why) => {
    const error = (() => {
      try {
        parseDockerHost(value, undefined, 'the engine option');
      } catch (e) {
        return e as InvalidSpecError;
      }
      throw new Error('expected a failure');
    })();
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error.summary).toBe(
      `the engine option=${JSON.stringify(value)} is not a usable engine address: ${error.summary.split(': ').slice(1).join(': ')}`,
    );
    expect(error.summary).toContain(why);
    expect(error.hint).toContain('tcp://HOST:PORT');
  });
});
