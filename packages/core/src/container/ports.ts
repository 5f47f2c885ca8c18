/**
 * Port facts read from a container inspect: what is exposed, and which host port each one got.
 */
import { isIPv4 } from 'node:net';
import type { ContainerInspect } from '../engine/engine.js';
import { PortNotExposedError } from '../errors.js';
import type { ExposedPort, Protocol } from '../wait/target.js';

export interface PortMap {
  exposed: ExposedPort[];
  /** "5432/tcp" → host port. */
  mapped: Map<string, number>;
}

export function readPorts(info: ContainerInspect, host: string): PortMap {
  const exposed: ExposedPort[] = [];
  for (const key of Object.keys(info.Config.ExposedPorts ?? {})) {
    const [port, protocol] = key.split('/');
    exposed.push({ port: Number(port), protocol: protocol === 'udp' ? 'udp' : 'tcp' });
  }
  exposed.sort((a, b) => a.port - b.port);
  const mapped = new Map<string, number>();
  const ports = (info.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp: string; HostPort: string }[] | null>;
  const wantV6 = !isIPv4(host) && host.includes(':');
  for (const [key, bindings] of Object.entries(ports)) {
    if (!bindings || bindings.length === 0) continue;
    // The engine may publish separate IPv4 and IPv6 bindings (sometimes with different ports on
    // older engines); take the family the port host resolves to.
    const preferred = bindings.find((b) => (wantV6 ? b.HostIp.includes(':') : !b.HostIp.includes(':'))) ?? bindings[0];
    if (preferred?.HostPort) mapped.set(key, Number(preferred.HostPort));
  }
  return { exposed, mapped };
}

export function lookupPort(map: PortMap, port: number, protocol: Protocol, context: { image: string; containerId: string }): number {
  const hostPort = map.mapped.get(`${port}/${protocol}`);
  if (hostPort !== undefined) return hostPort;
  const available = map.exposed.map((p) => `${p.port}/${p.protocol}`);
  throw new PortNotExposedError(`port ${port}/${protocol} is not exposed by this container`, {
    hint:
      available.length > 0
        ? `exposed ports: ${available.join(', ')}; add it to \`ports\` in the spec`
        : 'the container exposes no ports; add it to `ports` in the spec',
    details: { image: context.image, containerId: context.containerId, exposed: available },
  });
}
