import { describe, expect, it } from 'vitest';
import { describeConnectionError } from './connection-errors.js';
import type { EngineEndpoint } from './endpoint.js';

const tlsEndpoint: EngineEndpoint = {
  protocol: 'https',
  host: 'engine.example',
  port: 2376,
  display: 'tcp://engine.example:2376 (tls)',
  tls: { verify: true, dir: '/certs', files: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' } },
};
const socket: EngineEndpoint = { protocol: 'unix', socketPath: '/run/x.sock', display: 'unix:///run/x.sock' };

describe('describeConnectionError', () => {
  it.each([
    [socket, { code: 'ENOENT' }, 'no socket at /run/x.sock'],
    [socket, { code: 'EACCES' }, 'permission denied on /run/x.sock'],
    [tlsEndpoint, { code: 'ECONNREFUSED' }, 'connection refused by tcp://engine.example:2376 (tls)'],
    [tlsEndpoint, { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, "the engine's certificate is not signed by the CA in /certs/ca.pem"],
    [tlsEndpoint, { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'x' }, "the engine's certificate is not valid for engine.example"],
    [tlsEndpoint, { code: 'BERTH_PLAIN_HTTP_TO_TLS' }, 'speaks TLS but berth spoke plain HTTP'],
    [tlsEndpoint, { code: 'EPROTO', message: 'wrong version number' }, 'does not speak TLS'],
    [tlsEndpoint, { code: 'EPROTO', message: 'tlsv13 alert certificate required' }, "refused berth's client certificate /certs/cert.pem"],
    [
      tlsEndpoint,
      { message: 'error:05800074:x509 certificate routines::key values mismatch' },
      '/certs/cert.pem and /certs/key.pem do not belong together',
    ],
    [
      tlsEndpoint,
      { message: 'error:0480006C:PEM routines::no start line' },
      'ca.pem, cert.pem or key.pem in /certs is not a PEM certificate or key',
    ],
  ])('%o %o', (endpoint, error, reason) => {
    const problem = describeConnectionError(
      Object.assign(new Error(String((error as { message?: string }).message ?? 'boom')), error),
      endpoint,
    );
    expect(problem.reason).toContain(reason);
    expect(problem.hint).not.toMatch(/scripts\//);
  });
});
