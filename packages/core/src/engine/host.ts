/**
 * The host name tests use to reach published ports. An override wins; a tcp/ssh engine's host is
 * where its ports are published; in a container that uses a mounted socket, the host's bridge address
 * (container-gateway.ts); otherwise `localhost`, resolved preferring IPv4: Docker publishes
 * on 0.0.0.0 and often not on [::], so a client that picks ::1 for localhost gets ECONNREFUSED.
 */
import { lookup } from 'node:dns/promises';
import type { BerthConfig } from '../config.js';
import { containerGateway } from './container-gateway.js';
import type { EngineEndpoint } from './endpoint.js';

export async function resolvePortHost(cfg: BerthConfig, endpoint: EngineEndpoint, localhost = resolveLocalhost()): Promise<string> {
  if (cfg.hostOverride) return cfg.hostOverride;
  if ((endpoint.protocol === 'http' || endpoint.protocol === 'https' || endpoint.protocol === 'ssh') && endpoint.host) {
    return endpoint.host;
  }
  // Inside a container that reaches the engine through a mounted socket: the host's bridge address.
  if (endpoint.protocol === 'unix') return containerGateway() ?? localhost;
  return localhost;
}

/** `localhost` as an IPv4 address; started early so the lookup overlaps discovery. */
export async function resolveLocalhost(): Promise<string> {
  try {
    const { address } = await lookup('localhost', { family: 4 });
    return address;
  } catch {
    return '127.0.0.1';
  }
}
