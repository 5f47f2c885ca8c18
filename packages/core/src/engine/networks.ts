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

export async function connectNetwork(t: Transport, network: string, containerId: string, aliases: string[] = []): Promise<void> {
  await t.call({
    method: 'POST',
    path: path(network, '/connect'),
    json: { Container: containerId, EndpointConfig: { Aliases: aliases } },
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
