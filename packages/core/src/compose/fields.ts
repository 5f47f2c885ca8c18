/**
 * The compose fields with a short and a long syntax: ports ("127.0.0.1:8080-8081:80-81/udp" or
 * `{ target, published, host_ip, protocol }`) and volumes ("./data:/data:ro", "cache:/cache",
 * "/anon" or `{ type, source, target, read_only }`).
 */
import { isAbsolute, posix, resolve } from 'node:path';
import type { Reader } from './check.js';
import type { ComposeMount, ComposePort } from './model.js';
import type { KeyPath } from './source.js';

export function parsePorts(r: Reader, value: unknown, path: KeyPath): ComposePort[] {
  const out: ComposePort[] = [];
  r.list(value, path).forEach((item, index) => {
    const at = [...path, index];
    if (item && typeof item === 'object') out.push(...longPort(r, item, at));
    else out.push(...shortPort(r, r.string(item, at), at));
  });
  // An identical mapping listed twice is one mapping (Compose v2 merges them).
  const seen = new Set<string>();
  return out.filter((port) => {
    const key = JSON.stringify([port.target, port.published, port.hostIp, port.protocol]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function shortPort(r: Reader, text: string, path: KeyPath): ComposePort[] {
  const bad = (why: string): never =>
    r.fail(path, `${why} in port ${JSON.stringify(text)}`, 'expected [host_ip:][host_port[-end]:]container_port[-end][/tcp|udp]');
  let rest = text.trim();
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const proto = rest.slice(slash + 1);
    if (proto !== 'tcp' && proto !== 'udp') bad(`unsupported protocol ${JSON.stringify(proto)}`);
    protocol = proto as 'tcp' | 'udp';
    rest = rest.slice(0, slash);
  }
  const lastColon = rest.lastIndexOf(':');
  const containerPart = rest.slice(lastColon + 1);
  let hostPart = lastColon >= 0 ? rest.slice(0, lastColon) : undefined;
  let hostIp: string | undefined;
  if (hostPart !== undefined) {
    const ipColon = hostPart.lastIndexOf(':');
    if (ipColon >= 0) {
      hostIp = hostPart.slice(0, ipColon).replace(/^\[(.*)\]$/, '$1');
      hostPart = hostPart.slice(ipColon + 1);
    }
  }
  const containers = range(containerPart) ?? bad('bad container port');
  const hosts = hostPart === undefined || hostPart === '' ? undefined : (range(hostPart) ?? bad('bad host port'));
  if (hosts && hosts.length !== containers.length && hosts.length !== 1) bad('the host and container ranges differ in length');
  return containers
    .map((target, i) => ({
      target,
      ...(hosts ? { published: hosts.length === 1 && containers.length > 1 ? undefined : hosts[i] } : {}),
      ...(hostIp ? { hostIp } : {}),
      protocol,
    }))
    .map((port) => (port.published === undefined ? withoutPublished(port) : port));
}

function withoutPublished(port: ComposePort): ComposePort {
  const { published: _, ...rest } = port;
  return rest;
}

function range(text: string): number[] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to > 65535 || to < from) return undefined;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function longPort(r: Reader, value: object, path: KeyPath): ComposePort[] {
  const map = r.keys(value, path, ['target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol']);
  const target = r.int(map.target, [...path, 'target'], 1, 65535);
  const protocol = map.protocol === undefined ? 'tcp' : r.string(map.protocol, [...path, 'protocol']);
  if (protocol !== 'tcp' && protocol !== 'udp') r.fail([...path, 'protocol'], `expected tcp or udp, got ${JSON.stringify(protocol)}`);
  const port: ComposePort = { target, protocol };
  if (map.published !== undefined && map.published !== '') {
    const hosts = range(r.string(map.published, [...path, 'published']));
    const [host] = hosts ?? [];
    if (host === undefined || hosts?.length !== 1) r.fail([...path, 'published'], 'expected a port number 1–65535');
    port.published = host;
  }
  if (map.host_ip !== undefined) port.hostIp = r.string(map.host_ip, [...path, 'host_ip']);
  return [port];
}

/** Volumes of a service; relative bind sources are resolved against the project folder. */
export function parseMounts(r: Reader, value: unknown, path: KeyPath, projectDir: string): ComposeMount[] {
  return r.list(value, path).map((item, index) => {
    const at = [...path, index];
    if (item && typeof item === 'object') return longMount(r, item, at, projectDir);
    return shortMount(r, r.string(item, at), at, projectDir);
  });
}

function isPath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
}

function hostPath(source: string, projectDir: string): string {
  // A Windows absolute path (`C:\data`) stays as written, as Compose v2 keeps it.
  if (/^[A-Za-z]:[\\/]/.test(source)) return source;
  if (source.startsWith('~')) return resolve(process.env.HOME ?? '/', `.${source.slice(1)}`);
  return isAbsolute(source) ? source : resolve(projectDir, source);
}

function shortMount(r: Reader, text: string, path: KeyPath, projectDir: string): ComposeMount {
  const parts = text.split(':');
  if (parts.length === 1) return { type: 'volume', source: undefined, target: checkTarget(r, text, path), readOnly: false };
  if (parts.length > 3) r.fail(path, `expected source:target[:mode], got ${JSON.stringify(text)}`);
  const [source, target, mode = 'rw'] = parts as [string, string, string?];
  const modes = mode.split(',');
  for (const m of modes) {
    if (!['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent'].includes(m)) {
      r.fail(path, `unknown volume mode ${JSON.stringify(m)}`, 'use ro or rw');
    }
  }
  const readOnly = modes.includes('ro');
  const normalised = checkTarget(r, target, path);
  const selinux = modes.find((m): m is 'z' | 'Z' => m === 'z' || m === 'Z');
  if (isPath(source)) {
    return { type: 'bind', source: hostPath(source, projectDir), target: normalised, readOnly, ...(selinux ? { selinux } : {}) };
  }
  return { type: 'volume', source, target: normalised, readOnly };
}

/** An absolute container path, normalised (`/data/` and `/data//x/..` are `/data`), as Compose v2 does. */
function checkTarget(r: Reader, target: string, path: KeyPath): string {
  if (!target.startsWith('/')) r.fail(path, `expected an absolute path inside the container, got ${JSON.stringify(target)}`);
  return posix.normalize(target).replace(/(.)\/$/, '$1');
}

function longMount(r: Reader, value: object, path: KeyPath, projectDir: string): ComposeMount {
  const map = r.keys(value, path, ['type', 'source', 'target', 'read_only', 'bind', 'volume', 'tmpfs'], ['consistency']);
  const type = r.string(map.type, [...path, 'type']);
  const target = checkTarget(r, r.string(map.target, [...path, 'target']), [...path, 'target']);
  const readOnly = map.read_only === undefined ? false : r.bool(map.read_only, [...path, 'read_only']);
  const source = map.source === undefined ? undefined : r.string(map.source, [...path, 'source']);
  const bind =
    map.bind === undefined || map.bind === null
      ? {}
      : r.keys(map.bind, [...path, 'bind'], ['selinux'], {
          propagation: 'mount propagation between containers changes nothing a single test run sees',
          create_host_path: 'berth requires the bind source to exist (see docs/compose.md)',
        });
  if (map.volume !== undefined && map.volume !== null) {
    r.keys(
      map.volume,
      [...path, 'volume'],
      [],
      { nocopy: 'a fresh volume per run is empty either way' },
      {
        subpath: 'volume subpaths need engine API 1.45',
      },
    );
  }
  const selinux = bind.selinux === undefined ? undefined : r.string(bind.selinux, [...path, 'bind', 'selinux']);
  if (selinux !== undefined && selinux !== 'z' && selinux !== 'Z')
    r.fail([...path, 'bind', 'selinux'], `expected z or Z, got ${JSON.stringify(selinux)}`);
  switch (type) {
    case 'bind':
      if (!source) r.fail([...path, 'source'], 'a bind mount needs a source path');
      return { type, source: hostPath(source, projectDir), target, readOnly, ...(selinux ? { selinux: selinux as 'z' | 'Z' } : {}) };
    case 'volume':
      return { type, source, target, readOnly };
    case 'tmpfs': {
      const tmpfs = r.keys(map.tmpfs, [...path, 'tmpfs'], ['size'], ['mode']);
      return { type, target, ...(tmpfs.size === undefined ? {} : { size: r.bytes(tmpfs.size, [...path, 'tmpfs', 'size']) }) };
    }
    default:
      r.fail([...path, 'type'], `expected bind, volume or tmpfs, got ${JSON.stringify(type)}`);
  }
}
