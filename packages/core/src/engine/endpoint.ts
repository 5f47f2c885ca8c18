/**
 * Where an engine lives, as parsed from DOCKER_HOST, a docker context, or a socket path. Pure: no I/O
 * beyond reading certificate files, so discovery order can be tested over a fake env and filesystem.
 */
import { InvalidSpecError } from '../errors.js';

export type EndpointProtocol = 'unix' | 'npipe' | 'http' | 'https' | 'ssh';

export interface EngineEndpoint {
  protocol: EndpointProtocol;
  /** Socket path for unix/npipe. */
  socketPath?: string;
  /** Host name or address for tcp and ssh. */
  host?: string;
  port?: number;
  /** ssh user. */
  username?: string;
  tls?: { ca?: string; cert?: string; key?: string; verify: boolean };
  /** Human-readable form, without credentials: unix:///var/run/docker.sock, tcp://host:2376 (tls). */
  display: string;
}

/**
 * Parses a DOCKER_HOST-style address. `tls` (from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH or a context)
 * turns tcp into https.
 */
export function parseDockerHost(value: string, tls?: EngineEndpoint['tls']): EngineEndpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidSpecError(`expected DOCKER_HOST to be a URL like unix:///var/run/docker.sock, got ${JSON.stringify(value)}`, {
      hint: 'use unix://PATH, tcp://HOST:PORT or ssh://USER@HOST',
    });
  }
  switch (url.protocol) {
    case 'unix:': {
      const socketPath = decodeURIComponent(url.pathname);
      return { protocol: 'unix', socketPath, display: `unix://${socketPath}` };
    }
    case 'npipe:': {
      const socketPath = decodeURIComponent(url.pathname).replace(/\//g, '\\');
      return { protocol: 'npipe', socketPath, display: value };
    }
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const secure = url.protocol === 'https:' || tls !== undefined;
      const port = url.port ? Number(url.port) : secure ? 2376 : 2375;
      const host = url.hostname.replace(/^\[|\]$/g, '');
      return {
        protocol: secure ? 'https' : 'http',
        host,
        port,
        ...(tls ? { tls } : {}),
        display: `tcp://${url.hostname}:${port}${secure ? ' (tls)' : ''}`,
      };
    }
    case 'ssh:': {
      const port = url.port ? Number(url.port) : 22;
      return {
        protocol: 'ssh',
        host: url.hostname,
        port,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        display: `ssh://${url.username ? `${url.username}@` : ''}${url.hostname}:${port}`,
      };
    }
    default:
      throw new InvalidSpecError(`unsupported DOCKER_HOST scheme ${JSON.stringify(url.protocol)} in ${JSON.stringify(value)}`, {
        hint: 'use unix://, tcp://, or ssh://',
      });
  }
}

export function socketEndpoint(path: string): EngineEndpoint {
  return { protocol: 'unix', socketPath: path, display: `unix://${path}` };
}
