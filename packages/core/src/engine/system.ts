/**
 * Ping and API version negotiation. `GET /_ping` answers from the daemon itself and carries the API
 * version and server in its headers (where `GET /version` makes dockerd ask runc and friends, tens of
 * milliseconds), so it is the one call discovery makes. The negotiated version is the lower of the
 * engine's and the newest berth speaks: an engine at API 1.41 (Docker 20.10, Podman 4) is spoken to
 * as 1.41 even when a newer CLI is installed next to it.
 */
import { scaledTimeout } from '../config.js';
import { berthErrorOr } from './connection-errors.js';
import type { EngineVersion } from './discovery.js';
import type { EngineEndpoint } from './endpoint.js';
import { Transport } from './transport.js';

/** The newest Engine API version whose fields berth sends (Healthcheck.StartInterval is 1.44). */
export const NEWEST_API = '1.44';

/** The ping's limit: 3 s, times BERTH_TIMEOUT_SCALE (a busy daemon on a loaded machine answers late). */
export function pingTimeout(): number {
  return scaledTimeout(3000);
}

export async function ping(transport: Transport, timeoutMs = pingTimeout(), signal?: AbortSignal): Promise<EngineVersion> {
  const { headers, body } = await transport.request({
    method: 'GET',
    path: '/_ping',
    unversioned: true,
    timeoutMs,
    signal,
    what: '',
  });
  body.resume();
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  // "Docker/20.10.24+dfsg1 (linux)", "Libpod/4.3.1 (linux)"
  const server = /^([^/]+)\/(\S+)/.exec(header('server') ?? '');
  return {
    version: server?.[2] ?? 'unknown',
    apiVersion: header('api-version') ?? 'unknown',
    ...(header('ostype') ? { os: header('ostype') as string } : {}),
    ...(server?.[1] ? { platform: server[1] } : {}),
  };
}

/** "/v1.41" for an engine at 1.41; "" (the engine's own version) when it did not say. */
export function negotiatedPrefix(engineApi: string): string {
  if (!/^\d+\.\d+$/.test(engineApi)) return '';
  return `/v${compareApi(engineApi, NEWEST_API) < 0 ? engineApi : NEWEST_API}`;
}

export function compareApi(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** A ping on a throwaway transport, for discovery: resolves with the facts or rejects with a berth error. */
export async function pingEndpoint(endpoint: EngineEndpoint, timeoutMs = pingTimeout()): Promise<EngineVersion> {
  const transport = new Transport(endpoint);
  try {
    return await ping(transport, timeoutMs);
  } catch (error) {
    throw berthErrorOr(error, endpoint, '');
  } finally {
    transport.close();
  }
}
