/** `networks` (names or `{ name, aliases }`) and `extraHosts` ("host:address" entries). */
import { isRecord } from '../../spec/check.js';
import type { NetworkAttachment } from '../spec.js';
import { check, NETWORK_KEYS } from './keys.js';

export function resolveNetworks(value: unknown): NetworkAttachment[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) check.fail('networks', 'an array', value);
  return (value as unknown[]).map((network, index) => {
    const field = `networks[${index}]`;
    if (typeof network === 'string' && network !== '') return { name: network, aliases: [] };
    if (isRecord(network) && typeof network.name === 'string' && network.name !== '') {
      check.keys(network, NETWORK_KEYS, `\`${field}\``);
      const ipv4Address = check.string(network.ipv4Address, `${field}.ipv4Address`);
      const ipv6Address = check.string(network.ipv6Address, `${field}.ipv6Address`);
      return {
        name: network.name,
        aliases: check.stringArray(network.aliases, `${field}.aliases`) ?? [],
        ...(ipv4Address ? { ipv4Address } : {}),
        ...(ipv6Address ? { ipv6Address } : {}),
      };
    }
    return check.fail(field, 'a network name or { name, aliases }', network);
  });
}

export function resolveExtraHosts(value: unknown): string[] {
  return Object.entries(check.record(value, 'extraHosts')).map(([host, address]) => {
    if (typeof address !== 'string' || address === '') check.fail(`extraHosts.${host}`, 'an address', address);
    return `${host}:${address}`;
  });
}
