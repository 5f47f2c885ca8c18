/** `system`: the less common HostConfig settings, each checked for its shape (the engine checks values). */
import { isRecord } from '../../spec/check.js';
import type { SystemSettings } from '../spec.js';
import { check, SYSTEM_KEYS } from './keys.js';

const MODE = /^(none|host|bridge|default|container:.+|[A-Za-z0-9][A-Za-z0-9_.-]*)$/;

export function resolveSystem(value: unknown, hasNetworks: boolean, hasPorts: boolean): SystemSettings {
  if (value === undefined) return {};
  if (!isRecord(value)) check.fail('system', 'an object', value);
  const v = value as Record<string, unknown>;
  check.keys(v, SYSTEM_KEYS, '`system`');
  const out: SystemSettings = {};
  if (v.ulimits !== undefined) {
    out.ulimits = {};
    for (const [name, limit] of Object.entries(check.record(v.ulimits, 'system.ulimits'))) {
      const field = `system.ulimits.${name}`;
      if (!isRecord(limit)) return check.fail(field, '{ soft, hard }', limit);
      const soft = check.integer(limit.soft, `${field}.soft`, -1);
      const hard = check.integer(limit.hard, `${field}.hard`, -1);
      out.ulimits[name] = { soft, hard };
    }
  }
  for (const key of ['securityOpt', 'dns', 'dnsSearch', 'dnsOptions', 'groupAdd', 'volumesFrom'] as const) {
    const list = check.stringArray(v[key], `system.${key}`);
    if (list) out[key] = list;
  }
  if (v.sysctls !== undefined) {
    out.sysctls = {};
    for (const [name, item] of Object.entries(check.record(v.sysctls, 'system.sysctls'))) {
      if (typeof item !== 'string') return check.fail(`system.sysctls.${name}`, 'a string', item);
      out.sysctls[name] = item;
    }
  }
  if (v.devices !== undefined) {
    if (!Array.isArray(v.devices)) check.fail('system.devices', 'an array', v.devices);
    out.devices = (v.devices as unknown[]).map((device, index) => {
      const field = `system.devices[${index}]`;
      if (!isRecord(device) || typeof device.host !== 'string' || typeof device.container !== 'string') {
        return check.fail(field, '{ host, container, permissions? }', device);
      }
      const permissions = check.string(device.permissions, `${field}.permissions`);
      return { host: device.host, container: device.container, ...(permissions ? { permissions } : {}) };
    });
  }
  for (const key of ['networkMode', 'ipc', 'pid', 'macAddress', 'uts', 'usernsMode', 'cgroupns', 'runtime', 'domainname'] as const) {
    const text = check.string(v[key], `system.${key}`);
    if (text !== undefined) out[key] = text;
  }
  if (out.networkMode !== undefined) {
    if (!MODE.test(out.networkMode)) check.fail('system.networkMode', 'none, host, bridge, container:<name> or a network', out.networkMode);
    const own = out.networkMode === 'none' || out.networkMode === 'host' || out.networkMode.startsWith('container:');
    if (own && hasNetworks) check.fail('networks', `nothing with system.networkMode ${JSON.stringify(out.networkMode)}`, 'networks');
    if (own && hasPorts && out.networkMode !== 'host')
      check.fail('ports', `nothing with system.networkMode ${JSON.stringify(out.networkMode)} (it has no ports of its own)`, 'ports');
  }
  const readOnly = check.boolean(v.readOnlyRootfs, 'system.readOnlyRootfs');
  if (readOnly !== undefined) out.readOnlyRootfs = readOnly;
  if (v.pidsLimit !== undefined) out.pidsLimit = check.integer(v.pidsLimit, 'system.pidsLimit', -1);
  return out;
}

/** A network mode that gives the container no network (and no ports) of its own. */
export function ownsNoNetwork(system: SystemSettings): boolean {
  const mode = system.networkMode;
  return mode === 'none' || mode === 'host' || (mode?.startsWith('container:') ?? false);
}
