/** Network calls: create, remove, connect, disconnect, list. */
import { EngineError } from '../errors.js';
import { shortId } from './failure.js';
import { labelFilters } from './filters.js';
import type { Transport } from './transport.js';
import type { NetworkSummary } from './types.js';

const path = (ref: string, rest = '') => `/networks/${encodeURIComponent(ref)}${rest}`;
const gone = (error: unknown) => error instanceof EngineError && error.status === 404;

export interface NetworkCreateOptions {
  name: string;
  labels: Record<string, string>;
  internal?: boolean;
  driver?: string;
  driverOpts?: Record<string, string>;
  ipam?: { driver?: string; config: { subnet?: string; ipRange?: string; gateway?: string }[] };
  enableIpv6?: boolean;
  attachable?: boolean;
}

export async function createNetwork(t: Transport, options: NetworkCreateOptions): Promise<string> {
  const created = await t.json<{ Id: string }>({
    method: 'POST',
    path: '/networks/create',
    json: {
      Name: options.name,
      Labels: options.labels,
      Internal: options.internal ?? false,
      Driver: options.driver ?? 'bridge',
      CheckDuplicate: true,
      ...(options.driverOpts ? { Options: options.driverOpts } : {}),
      ...(options.ipam
        ? {
            IPAM: {
              Driver: options.ipam.driver ?? 'default',
              Config: options.ipam.config.map((c) => ({
                ...(c.subnet ? { Subnet: c.subnet } : {}),
                ...(c.ipRange ? { IPRange: c.ipRange } : {}),
                ...(c.gateway ? { Gateway: c.gateway } : {}),
              })),
            },
          }
        : {}),
      ...(options.enableIpv6 ? { EnableIPv6: true } : {}),
      ...(options.attachable ? { Attachable: true } : {}),
    },
    what: `creating network ${options.name}`,
    subject: { kind: 'network', ref: options.name },
  });
  return created.Id;
}

export async function removeNetwork(t: Transport, ref: string): Promise<void> {
  try {
    await t.call({ method: 'DELETE', path: path(ref), what: `removing network ${ref}`, subject: { kind: 'network', ref } });
  } catch (error) {
    if (!gone(error)) throw error;
  }
}

/** `addresses`: a fixed IPv4 / IPv6 address on that network. */
export async function connectNetwork(
  t: Transport,
  network: string,
  containerId: string,
  aliases: string[] = [],
  addresses: { ipv4?: string; ipv6?: string } = {},
): Promise<void> {
  const ipam = {
    ...(addresses.ipv4 ? { IPv4Address: addresses.ipv4 } : {}),
    ...(addresses.ipv6 ? { IPv6Address: addresses.ipv6 } : {}),
  };
  await t.call({
    method: 'POST',
    path: path(network, '/connect'),
    json: { Container: containerId, EndpointConfig: { Aliases: aliases, ...(Object.keys(ipam).length > 0 ? { IPAMConfig: ipam } : {}) } },
    what: `connecting container ${shortId(containerId)} to network ${network}`,
    subject: { kind: 'network', ref: network },
  });
}

export async function disconnectNetwork(t: Transport, network: string, containerId: string): Promise<void> {
  try {
    await t.call({
      method: 'POST',
      path: path(network, '/disconnect'),
      json: { Container: containerId, Force: true },
      what: `disconnecting container ${shortId(containerId)} from network ${network}`,
      subject: { kind: 'network', ref: network },
    });
  } catch (error) {
    if (!gone(error)) throw error;
  }
}

export async function listNetworks(t: Transport, labels: Record<string, string | true>): Promise<NetworkSummary[]> {
  return t.json<NetworkSummary[]>({ method: 'GET', path: '/networks', query: { filters: labelFilters(labels) }, what: 'listing networks' });
}
