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
    expect(() => parseDockerHost('ftp://x')).toThrow(/unsupported DOCKER_HOST scheme "ftp:"/);
  });
});
