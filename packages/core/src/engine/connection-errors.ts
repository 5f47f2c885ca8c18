/**
 * A failure below HTTP (socket missing, refused, TLS handshake) → one sentence that says what went
 * wrong with which endpoint and which files, and a hint a library user can act on.
 */
import { BerthError, EngineUnreachableError } from '../errors.js';
import type { EngineEndpoint } from './endpoint.js';

export interface ConnectionProblem {
  reason: string;
  hint: string;
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

export function describeConnectionError(error: unknown, endpoint: EngineEndpoint): ConnectionProblem {
  const e = error as { name?: string; code?: string; message?: string };
  const code = e?.code ?? '';
  const message = e?.message ?? String(error);
  const tls = endpoint.tls;
  const ca = tls?.files?.ca ?? 'ca.pem';
  const cert = tls?.files?.cert ?? 'cert.pem';
  const dir = tls?.dir ? ` in ${tls.dir}` : '';
  const fromHost = '`berth doctor` shows what was tried';

  if (code === 'BERTH_SSH_MISSING')
    return {
      reason: `${endpoint.display} needs an ssh client: ${message}`,
      hint: 'install OpenSSH (the `ssh` command; e.g. apt-get install openssh-client), or name it in BERTH_SSH_COMMAND',
    };
  if (code === 'BERTH_SSH_FAILED') {
    const hint = /Host key verification failed|REMOTE HOST IDENTIFICATION/i.test(message)
      ? `ssh does not know the host key of ${endpoint.host}: connect once with \`ssh ${endpoint.host}\` to check and record it (berth runs ssh with BatchMode=yes, which never asks)`
      : /Permission denied|publickey/i.test(message)
        ? 'the host refused every key ssh offered: add your key to ssh-agent (ssh-add) or name it in ~/.ssh/config; berth runs ssh with BatchMode=yes, so it cannot ask for a passphrase or password'
        : /docker: (?:command )?not found|exit(?:ed with)? code 127/i.test(message)
          ? `the docker CLI must be installed on ${endpoint.host}: berth runs \`docker system dial-stdio\` there`
          : `\`ssh ${endpoint.username ? `${endpoint.username}@` : ''}${endpoint.host} docker version\` should work; it shows what ssh says`;
    return { reason: `ssh to ${endpoint.display} failed: ${message}`, hint };
  }
  if (e?.name === 'TimeoutError')
    return { reason: 'no answer in time', hint: `is the engine at ${endpoint.display} running and reachable? ${fromHost}` };
  if (code === 'ENOENT' && endpoint.socketPath)
    return { reason: `no socket at ${endpoint.socketPath}`, hint: `is the engine running? ${fromHost}` };
  if (code === 'EACCES')
    return {
      reason: `permission denied on ${endpoint.socketPath ?? endpoint.display}`,
      hint: 'add your user to the group that owns the socket (often `docker`), or use a rootless engine',
    };
  if (code === 'ECONNREFUSED')
    return { reason: `connection refused by ${endpoint.display}`, hint: `is the engine running and listening there? ${fromHost}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { reason: `host ${endpoint.host} not found`, hint: 'check the host name in DOCKER_HOST or the docker context' };
  if (UNKNOWN_CA.has(code)) {
    return {
      reason: `TLS: the engine's certificate is not signed by the CA ${tls?.files?.ca ? `in ${ca}` : '(no ca.pem was given; the system CAs were used)'} (${code})`,
      hint: `put the CA that signed the engine's certificate in ${ca}${dir ? '' : ' (DOCKER_CERT_PATH)'}`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      reason: `TLS: the engine's certificate is not valid for ${endpoint.host} (${message})`,
      hint: 'connect with a host name the certificate names (its subjectAltName), or reissue the certificate for this name',
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return {
      reason: `TLS: the engine's certificate is outside its validity period (${code})`,
      hint: 'renew the engine certificate or fix the clock',
    };
  }
  if (/key values mismatch/i.test(message)) {
    return {
      reason: `TLS: ${cert} and ${tls?.files?.key ?? 'key.pem'} do not belong together (the key is not the certificate's)`,
      hint: `put the key that was issued with ${cert} in ${tls?.files?.key ?? 'key.pem'}`,
    };
  }
  if (/no start line|bad base64|PEM routines|ASN1|unsupported/i.test(message) && tls) {
    return {
      reason: `TLS: ca.pem, cert.pem or key.pem${dir} is not a PEM certificate or key (${message})`,
      hint: 'each file must be PEM ("-----BEGIN ...-----"), as `docker context export` or `docker-machine env` produce them',
    };
  }
  if (code === 'BERTH_PLAIN_HTTP_TO_TLS') {
    return {
      reason: `${endpoint.display} speaks TLS but berth spoke plain HTTP to it`,
      hint: 'set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem (or use a context with TLS)',
    };
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(message) || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return {
      reason: `${endpoint.display} does not speak TLS (berth used TLS because DOCKER_TLS_VERIFY or DOCKER_CERT_PATH is set)`,
      hint: 'unset DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for a plain tcp engine, or point DOCKER_HOST at its TLS port',
    };
  }
  if (/certificate required|alert bad certificate|alert unknown ca|handshake failure|certificate unknown/i.test(message)) {
    return {
      reason: `TLS: the engine refused berth's client certificate ${tls?.files?.cert ? cert : '(none was given)'} (${message})`,
      hint: `put a client certificate and key signed by the engine's CA in ${cert} and ${tls?.files?.key ?? 'key.pem'}`,
    };
  }
  if (code === 'ECONNRESET' && endpoint.protocol === 'https' && !tls?.files?.cert) {
    return {
      reason: `the engine closed the TLS connection; it may want a client certificate and none was given (${message})`,
      hint: 'set DOCKER_CERT_PATH to the directory holding cert.pem and key.pem',
    };
  }
  return { reason: message, hint: `is the engine running? ${fromHost}` };
}

/** Wraps a socket-level failure of a call into a berth error. */
export function connectionFailure(error: unknown, endpoint: EngineEndpoint, what: string): EngineUnreachableError {
  const problem = describeConnectionError(error, endpoint);
  return new EngineUnreachableError(what ? `${what} failed: ${problem.reason}` : problem.reason, {
    hint: problem.hint,
    cause: error,
    details: { endpoint: endpoint.display },
  });
}

/** A berth error as it is, anything else as a connection failure. */
export function berthErrorOr(error: unknown, endpoint: EngineEndpoint, what: string): Error {
  if (error instanceof BerthError) return error;
  return connectionFailure(error, endpoint, what);
}
