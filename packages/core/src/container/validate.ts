/**
 * Validates a ContainerSpec in one place and resolves it into a fresh, fully filled ResolvedSpec.
 * Messages quote the field and the bad value: "expected `ports[1]` to be 1–65535, got 70000".
 * Nothing here touches the engine, so bad input fails in microseconds and leaves nothing behind.
 */

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { config } from '../config.js';
import { InvalidSpecError } from '../errors.js';
import { parseImageReference } from '../image/reference.js';
import { LABEL_PREFIX } from '../session/labels.js';
import type { ContainerSpec, PortSpec, PullPolicy, ResolvedPort, ResolvedSpec } from './spec.js';

const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const PULL_POLICIES: readonly PullPolicy[] = ['missing', 'always', 'never'];

function fail(field: string, expected: string, got: unknown, hint?: string): never {
  throw new InvalidSpecError(`expected \`${field}\` to be ${expected}, got ${show(got)}`, hint ? { hint } : {});
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    fail(field, 'an array of strings', value);
  }
  return [...value];
}

function validPort(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    fail(field, '1–65535', value);
  }
  return value;
}

/** "5432", "5432/tcp", "53/udp" or a number → container port and protocol. */
function parsePortString(text: string, field: string): { container: number; protocol: 'tcp' | 'udp' } {
  const match = /^(\d+)(?:\/(tcp|udp))?$/.exec(text.trim());
  if (!match) fail(field, 'a port like 5432, "5432/tcp" or "53/udp"', text);
  return { container: validPort(Number(match[1]), field), protocol: (match[2] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

export interface PortPlan extends ResolvedPort {
  /** True when the host port must be picked up front (host: 'free'). */
  pickFree: boolean;
}

export function resolvePorts(ports: PortSpec[] | undefined): PortPlan[] {
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) fail('ports', 'an array', ports);
  const seen = new Set<string>();
  return ports.map((port, index) => {
    const field = `ports[${index}]`;
    let plan: PortPlan;
    if (typeof port === 'number') {
      plan = { container: validPort(port, field), protocol: 'tcp', host: 0, hostIp: '', pickFree: false };
    } else if (typeof port === 'string') {
      plan = { ...parsePortString(port, field), host: 0, hostIp: '', pickFree: false };
    } else if (isRecord(port)) {
      const protocol = port.protocol ?? 'tcp';
      if (protocol !== 'tcp' && protocol !== 'udp') fail(`${field}.protocol`, '"tcp" or "udp"', protocol);
      const container = validPort(port.container, `${field}.container`);
      let host = 0;
      let pickFree = false;
      if (port.host === 'free') pickFree = true;
      else if (port.host !== undefined) host = validPort(port.host, `${field}.host`);
      if (port.hostIp !== undefined && typeof port.hostIp !== 'string') fail(`${field}.hostIp`, 'a string', port.hostIp);
      plan = { container, protocol, host, hostIp: port.hostIp ?? '', pickFree };
    } else {
      fail(field, 'a number, a string like "5432/tcp", or { container, host?, protocol? }', port);
    }
    const key = `${plan.container}/${plan.protocol}`;
    if (seen.has(key)) fail(field, 'a port not listed twice', key);
    seen.add(key);
    return plan;
  });
}

/** "512m", "1g", "64k", 1048576 → bytes. */
export function parseBytes(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
    if (match) {
      const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
      const bytes = Math.round(Number(match[1]) * (units[(match[2] ?? '').toLowerCase()] ?? 1));
      if (bytes > 0) return bytes;
    }
  }
  return fail(field, 'a positive byte count or a size like "512m"', value);
}

export function generateName(image: string): string {
  const base =
    image
      .split('@')[0]
      ?.split('/')
      .pop()
      ?.split(':')[0]
      ?.replace(/[^a-zA-Z0-9_.-]/g, '') || 'container';
  return `berth-${base}-${randomBytes(4).toString('hex')}`;
}

/**
 * Validates and resolves. Host ports marked 'free' are not picked here (that needs I/O); the start
 * flow fills them in.
 */
export function validateSpec(spec: ContainerSpec): ResolvedSpec & { portPlans: PortPlan[] } {
  if (!isRecord(spec)) fail('spec', 'an object', spec);
  if (typeof spec.image !== 'string' || spec.image.trim() === '') {
    fail('image', 'an image reference like "postgres:15"', spec.image);
  }
  // Throws InvalidImageReferenceError naming what is wrong with the reference.
  parseImageReference(spec.image.trim());
  if (spec.name !== undefined && (typeof spec.name !== 'string' || !NAME_PATTERN.test(spec.name))) {
    fail('name', 'a container name of letters, digits, _ . -', spec.name);
  }

  const env: Record<string, string> = {};
  if (spec.env !== undefined) {
    if (!isRecord(spec.env)) fail('env', 'an object of strings', spec.env);
    for (const [key, value] of Object.entries(spec.env)) {
      if (key === '' || key.includes('=')) fail(`env[${JSON.stringify(key)}]`, 'a name without "="', key);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        fail(`env.${key}`, 'a string, number or boolean', value);
      }
      env[key] = String(value);
    }
  }

  const labels: Record<string, string> = {};
  if (spec.labels !== undefined) {
    if (!isRecord(spec.labels)) fail('labels', 'an object of strings', spec.labels);
    for (const [key, value] of Object.entries(spec.labels)) {
      if (key.startsWith(LABEL_PREFIX)) {
        fail(
          `labels[${JSON.stringify(key)}]`,
          `a key outside the reserved prefix "${LABEL_PREFIX}"`,
          key,
          'berth sets its own dev.berth.* labels; pick another prefix',
        );
      }
      if (typeof value !== 'string') fail(`labels.${key}`, 'a string', value);
      labels[key] = value;
    }
  }

  const portPlans = resolvePorts(spec.ports);

  const networks = (spec.networks ?? []).map((network, index) => {
    if (typeof network === 'string' && network !== '') return { name: network, aliases: [] };
    if (isRecord(network) && typeof network.name === 'string' && network.name !== '') {
      return { name: network.name, aliases: stringArray(network.aliases, `networks[${index}].aliases`) ?? [] };
    }
    return fail(`networks[${index}]`, 'a network name or { name, aliases }', network);
  });

  const binds = (spec.binds ?? []).map((bind, index) => {
    const field = `binds[${index}]`;
    if (!isRecord(bind) || typeof bind.source !== 'string' || typeof bind.target !== 'string') {
      fail(field, '{ source, target, readOnly? }', bind);
    }
    if (!isAbsolute(bind.source)) fail(`${field}.source`, 'an absolute host path', bind.source);
    if (!existsSync(bind.source)) {
      fail(
        `${field}.source`,
        'an existing host path',
        bind.source,
        'create it first; bind sources are paths on the machine the engine runs on',
      );
    }
    if (!bind.target.startsWith('/')) fail(`${field}.target`, 'an absolute container path', bind.target);
    return { source: bind.source, target: bind.target, readOnly: bind.readOnly ?? false };
  });

  const volumes = (spec.volumes ?? []).map((volume, index) => {
    const field = `volumes[${index}]`;
    if (!isRecord(volume) || typeof volume.name !== 'string' || typeof volume.target !== 'string' || !volume.target.startsWith('/')) {
      fail(field, '{ name, target: "/absolute/path", readOnly? }', volume);
    }
    return { name: volume.name, target: volume.target, readOnly: volume.readOnly ?? false };
  });

  const tmpfs = (spec.tmpfs ?? []).map((mount, index) => {
    if (!isRecord(mount) || typeof mount.target !== 'string' || !mount.target.startsWith('/')) {
      fail(`tmpfs[${index}]`, '{ target: "/absolute/path", options? }', mount);
    }
    return { target: mount.target, ...(mount.options === undefined ? {} : { options: String(mount.options) }) };
  });

  const copy = (spec.copy ?? []).map((entry, index) => {
    const field = `copy[${index}]`;
    if (!isRecord(entry) || typeof entry.target !== 'string' || !entry.target.startsWith('/')) {
      fail(field, '{ source | content, target: "/absolute/path" }', entry);
    }
    if ('source' in entry) {
      if (typeof entry.source !== 'string' || !existsSync(entry.source)) fail(`${field}.source`, 'an existing host path', entry.source);
    } else if (typeof entry.content !== 'string' && !Buffer.isBuffer(entry.content)) {
      fail(`${field}.content`, 'a string or Buffer', entry.content);
    }
    return { ...entry };
  });

  const extraHosts = Object.entries(spec.extraHosts ?? {}).map(([host, address]) => {
    if (typeof address !== 'string' || address === '') fail(`extraHosts.${host}`, 'an address', address);
    return `${host}:${address}`;
  });

  const resources = spec.resources ?? {};
  if (resources.cpus !== undefined && (typeof resources.cpus !== 'number' || !(resources.cpus > 0))) {
    fail('resources.cpus', 'a positive number of CPUs', resources.cpus);
  }

  const pullPolicy = spec.pullPolicy ?? config().pullPolicy ?? 'missing';
  if (!PULL_POLICIES.includes(pullPolicy)) fail('pullPolicy', '"missing", "always" or "never"', pullPolicy);

  const startupTimeoutMs = spec.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  if (typeof startupTimeoutMs !== 'number' || !(startupTimeoutMs > 0)) {
    fail('startupTimeoutMs', 'a positive number of milliseconds', startupTimeoutMs);
  }
  if (spec.stopTimeoutSeconds !== undefined && (!Number.isInteger(spec.stopTimeoutSeconds) || spec.stopTimeoutSeconds < 0)) {
    fail('stopTimeoutSeconds', 'a whole number of seconds ≥ 0', spec.stopTimeoutSeconds);
  }
  if (spec.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(spec.platform)) {
    fail('platform', 'an os/arch pair like "linux/amd64"', spec.platform);
  }
  if (spec.healthcheck !== undefined) {
    const test = spec.healthcheck.test;
    if (
      !(typeof test === 'string' && test !== '') &&
      !(Array.isArray(test) && test.length > 0 && test.every((t) => typeof t === 'string'))
    ) {
      fail('healthcheck.test', 'a command string or ["CMD", ...] / ["CMD-SHELL", "..."]', test);
    }
  }
  if (spec.wait !== undefined && (typeof spec.wait !== 'object' || typeof spec.wait.wait !== 'function')) {
    fail('wait', 'a wait strategy such as wait.ports() or wait.log("ready")', spec.wait);
  }
  if (spec.logConsumer !== undefined && typeof spec.logConsumer !== 'function') fail('logConsumer', 'a function', spec.logConsumer);

  return {
    image: spec.image.trim(),
    name: spec.name ?? generateName(spec.image),
    env,
    command: stringArray(spec.command, 'command'),
    entrypoint: stringArray(spec.entrypoint, 'entrypoint'),
    ports: portPlans.map(({ pickFree: _pickFree, ...port }) => port),
    portPlans,
    labels,
    user: spec.user,
    workingDir: spec.workingDir,
    hostname: spec.hostname,
    networks,
    extraHosts,
    binds,
    volumes,
    tmpfs,
    copy,
    memoryBytes: parseBytes(resources.memory, 'resources.memory'),
    nanoCpus: resources.cpus === undefined ? undefined : Math.round(resources.cpus * 1e9),
    shmSizeBytes: parseBytes(resources.shmSize, 'resources.shmSize'),
    capAdd: stringArray(spec.capAdd, 'capAdd') ?? [],
    capDrop: stringArray(spec.capDrop, 'capDrop') ?? [],
    privileged: spec.privileged ?? false,
    init: spec.init ?? false,
    healthcheck: spec.healthcheck === undefined ? undefined : { ...spec.healthcheck },
    stopSignal: spec.stopSignal,
    stopTimeoutSeconds: spec.stopTimeoutSeconds,
    platform: spec.platform,
    pullPolicy,
    startupTimeoutMs,
    wait: spec.wait,
    logConsumer: spec.logConsumer,
    keep: spec.keep ?? false,
  };
}
