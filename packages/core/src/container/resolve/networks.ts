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
      return { name: network.name, aliases: check.stringArray(network.aliases, `${field}.aliases`) ?? [] };
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
