/**
 * When berth itself runs inside a container that talks to the engine through a mounted socket (a CI
 * job in a container, a dev container), the ports the engine publishes are on the engine's host, not
 * on the job container's localhost. From a container on a bridge network, the host is reachable at
 * the network's gateway (the bridge address), and Docker publishes on every host address, so that is
 * where mapped ports are. A container on the host's network (`--network host`) shares the host's
 * localhost and keeps it (its route table shows the engine's bridges). BERTH_HOST overrides all of this.
 */
import { existsSync, readFileSync } from 'node:fs';

/** What the detection reads from the machine; a fake in unit tests. */
export interface ContainerProbe {
  exists(path: string): boolean;
  read(path: string): string | undefined;
}

export const realContainerProbe: ContainerProbe = {
  exists: (path) => existsSync(path),
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** Files Docker (/.dockerenv) and Podman (/run/.containerenv) put into every container. */
const MARKERS = ['/.dockerenv', '/run/.containerenv'];

/** The default route's gateway from /proc/net/route (little-endian hex), e.g. "172.17.0.1". */
export function defaultGateway(routeTable: string): string | undefined {
  for (const line of routeTable.split('\n').slice(1)) {
    const [, destination, gateway] = line.trim().split(/\s+/);
    if (destination !== '00000000' || !gateway || !/^[0-9A-Fa-f]{8}$/.test(gateway) || gateway === '00000000') continue;
    const bytes = (gateway.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16)).reverse();
    return bytes.join('.');
  }
  return undefined;
}

function routeInterfaces(routeTable: string): string[] {
  return routeTable
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

/**
 * The address of the engine's host as seen from this container, or undefined when berth does not
 * run in a container, or runs in one on the host's network (the engine's bridge is then local).
 */
export function containerGateway(probe: ContainerProbe = realContainerProbe): string | undefined {
  if (!MARKERS.some((marker) => probe.exists(marker))) return undefined;
  const routes = probe.read('/proc/net/route') ?? '';
  // The engine's own bridges route from here: this is the engine's machine (or its network).
  if (routeInterfaces(routes).some((name) => name === 'docker0' || name.startsWith('br-'))) return undefined;
  return defaultGateway(routes);
}
