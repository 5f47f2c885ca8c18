import { describe, expect, it } from 'vitest';
import { type ContainerProbe, containerGateway, defaultGateway } from './container-gateway.js';

const ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0',
  'eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
].join('\n');

function probe(files: Record<string, string>): ContainerProbe {
  return { exists: (path) => Object.hasOwn(files, path), read: (path) => files[path] };
}

describe('defaultGateway', () => {
  it('reads the default route’s gateway, little-endian', () => {
    expect(defaultGateway(ROUTES)).toBe('172.17.0.1');
  });
  it('is undefined without a default route', () => {
    expect(
      defaultGateway(
        ROUTES.split('\n')
          .filter((l) => !l.includes('010011AC'))
          .join('\n'),
      ),
    ).toBeUndefined();
    expect(defaultGateway('')).toBeUndefined();
  });
});

describe('containerGateway', () => {
  it('is the gateway inside a Docker or Podman container on a bridge network', () => {
    expect(containerGateway(probe({ '/.dockerenv': '', '/proc/net/route': ROUTES }))).toBe('172.17.0.1');
    expect(containerGateway(probe({ '/run/.containerenv': '', '/proc/net/route': ROUTES }))).toBe('172.17.0.1');
  });
  it('is undefined outside a container', () => {
    expect(containerGateway(probe({ '/proc/net/route': ROUTES }))).toBeUndefined();
  });
  it('is undefined in a container on the host network (the engine’s bridge is local)', () => {
    const hostRoutes = `${ROUTES}\ndocker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0`;
    expect(containerGateway(probe({ '/.dockerenv': '', '/proc/net/route': hostRoutes }))).toBeUndefined();
    const userBridge = `${ROUTES}\nbr-21df4771382f\t000014AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0`;
    expect(containerGateway(probe({ '/.dockerenv': '', '/proc/net/route': userBridge }))).toBeUndefined();
  });
});
