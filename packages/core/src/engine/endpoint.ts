/**
 * Where an engine lives, as parsed from DOCKER_HOST, a docker context, or a socket path. Pure: no I/O
 * beyond reading certificate files, so discovery order can be tested over a fake env and filesystem.
 */
import { InvalidSpecError } from '../errors.js';

export type EndpointProtocol = 'unix' | 'npipe' | 'http' | 'https' | 'ssh';

export interface EngineTls {
  ca?: string;
  cert?: string;
  key?: string;
  verify: boolean;
  /** The directory the files came from (DOCKER_CERT_PATH, ~/.docker or a context's TLS folder). */
  dir?: string;
  /** Paths of the files that were read, for error messages. */
  files?: { ca?: string; cert?: string; key?: string };
}

export interface EngineEndpoint {
  protocol: EndpointProtocol;
  /** Socket path for unix/npipe. */
  socketPath?: string;
  /** Host name or address for tcp and ssh. */
  host?: string;
  port?: number;
  /** ssh user. */
  username?: string;
  tls?: EngineTls;
  /** Human-readable form, without credentials: unix:///var/run/docker.sock, tcp://host:2376 (tls). */
  display: string;
}

/**
 * Parses a DOCKER_HOST-style address. `tls` (from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH or a context)
 * turns tcp into https. `source` names where the value came from ("DOCKER_HOST", "the engine
 * option", "docker context \"x\""), so the error says what to fix. Like the docker CLI, anything it
 * cannot use is refused here rather than at the first call.
 */
export function parseDockerHost(value: string, tls?: EngineTls, source = 'DOCKER_HOST'): EngineEndpoint {
  const bad = (why: string) =>
    new InvalidSpecError(`${source}=${JSON.stringify(value)} is not a usable engine address: ${why}`, {
      hint: 'use unix:///path/to/docker.sock, tcp://HOST:PORT, npipe:////./pipe/NAME or ssh://USER@HOST',
      details: { source, value },
    });
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw bad('expected SCHEME://ADDRESS');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('it does not parse as a URL');
  }
  switch (url.protocol) {
    case 'unix:': {
      const socketPath = decodeURIComponent(url.pathname);
      if (!socketPath || socketPath === '/') throw bad('no socket path');
      return { protocol: 'unix', socketPath, display: `unix://${socketPath}` };
    }
    case 'npipe:': {
      const socketPath = decodeURIComponent(url.pathname).replace(/\//g, '\\');
      if (!socketPath) throw bad('no pipe name');
      return { protocol: 'npipe', socketPath, display: value };
    }
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const secure = url.protocol === 'https:' || tls !== undefined;
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!host) throw bad('no host name');
      if (url.pathname && url.pathname !== '/') throw bad(`unexpected path ${JSON.stringify(url.pathname)}`);
      const port = url.port ? Number(url.port) : secure ? 2376 : 2375;
      return {
        protocol: secure ? 'https' : 'http',
        host,
        port,
        ...(tls ? { tls } : {}),
        display: `tcp://${url.hostname}:${port}${secure ? ' (tls)' : ''}`,
      };
    }
    case 'ssh:': {
      if (!url.hostname) throw bad('no host name');
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
      throw bad(`unsupported scheme ${JSON.stringify(url.protocol)}`);
  }
}

export function socketEndpoint(path: string): EngineEndpoint {
  return { protocol: 'unix', socketPath: path, display: `unix://${path}` };
}
