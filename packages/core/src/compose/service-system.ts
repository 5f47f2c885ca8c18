/**
 * The service keys that become engine settings with no compose logic of their own (ulimits, sysctls,
 * devices, dns, namespaces, ...): checked and turned into berth's SystemSettings.
 */
import type { SystemSettings } from '../container/spec.js';
import type { Reader } from './check.js';
import type { KeyPath } from './source.js';

export function readSystem(r: Reader, map: Record<string, unknown>, path: KeyPath): SystemSettings {
  const out: SystemSettings = {};
  const at = (key: string): KeyPath => [...path, key];
  const read = (key: string, reader: (value: unknown) => void) => {
    if (map[key] !== undefined && map[key] !== null) r.collect(() => reader(map[key]));
  };
  read('ulimits', (value) => {
    out.ulimits = {};
    for (const [name, limit] of Object.entries(r.map(value, at('ulimits')))) {
      const where = [...at('ulimits'), name];
      if (limit && typeof limit === 'object') {
        const pair = r.keys(limit, where, ['soft', 'hard']);
        out.ulimits[name] = { soft: r.int(pair.soft, [...where, 'soft'], -1), hard: r.int(pair.hard, [...where, 'hard'], -1) };
      } else {
        const n = r.int(limit, where, -1);
        out.ulimits[name] = { soft: n, hard: n };
      }
    }
  });
  const strings = (key: string, into: 'securityOpt' | 'dns' | 'dnsSearch' | 'dnsOptions' | 'groupAdd') =>
    read(key, (value) => {
      out[into] = r.stringOrList(value, at(key));
    });
  strings('security_opt', 'securityOpt');
  strings('dns', 'dns');
  strings('dns_search', 'dnsSearch');
  strings('dns_opt', 'dnsOptions');
  strings('group_add', 'groupAdd');
  read('sysctls', (value) => {
    const sysctls: Record<string, string> = {};
    for (const [key, item] of Object.entries(r.listOrMap(value, at('sysctls')))) {
      if (item === null) r.fail([...at('sysctls'), key], 'expected a value');
      sysctls[key] = item;
    }
    out.sysctls = sysctls;
  });
  read('devices', (value) => {
    out.devices = r.list(value, at('devices')).map((item, index) => {
      const where = [...at('devices'), index];
      if (item && typeof item === 'object') {
        const device = r.keys(item, where, ['source', 'target', 'permissions']);
        const host = r.string(device.source, [...where, 'source']);
        return {
          host,
          container: device.target === undefined ? host : r.string(device.target, [...where, 'target']),
          permissions: device.permissions === undefined ? 'rwm' : r.string(device.permissions, [...where, 'permissions']),
        };
      }
      const [host = '', container = host, permissions = 'rwm'] = r.string(item, where).split(':');
      if (!host.startsWith('/')) r.fail(where, `expected /dev/host[:/dev/container[:rwm]], got ${JSON.stringify(item)}`);
      return { host, container, permissions };
    });
  });
  const scalar = (key: string, into: 'macAddress' | 'ipc' | 'pid' | 'uts' | 'usernsMode' | 'cgroupns' | 'runtime' | 'domainname') =>
    read(key, (value) => {
      out[into] = r.string(value, at(key));
    });
  scalar('mac_address', 'macAddress');
  scalar('ipc', 'ipc');
  scalar('pid', 'pid');
  scalar('uts', 'uts');
  scalar('userns_mode', 'usernsMode');
  scalar('cgroup', 'cgroupns');
  scalar('runtime', 'runtime');
  scalar('domainname', 'domainname');
  read('read_only', (value) => {
    out.readOnlyRootfs = r.bool(value, at('read_only'));
  });
  return out;
}
