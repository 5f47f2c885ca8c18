/** `ports`: numbers, "5432/tcp" strings or `{ container, host?, protocol?, hostIp? }`, none listed twice. */
import { isRecord } from '../../spec/check.js';
import type { PortSpec, ResolvedPort } from '../spec.js';
import { check, PORT_KEYS } from './keys.js';

export interface PortPlan extends ResolvedPort {
  /** True when the host port must be picked up front (host: 'free'). */
  pickFree: boolean;
}

export function validPort(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) check.fail(field, '1–65535', value);
  return value as number;
}

/** "5432", "5432/tcp", "53/udp" → container port and protocol. */
function parsePortString(text: string, field: string): { container: number; protocol: 'tcp' | 'udp' } {
  const match = /^(\d+)(?:\/(tcp|udp))?$/.exec(text.trim());
  if (!match) return check.fail(field, 'a port like 5432, "5432/tcp" or "53/udp"', text);
  return { container: validPort(Number(match[1]), field), protocol: (match[2] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

function resolvePort(port: unknown, field: string): PortPlan {
  if (typeof port === 'number') return { container: validPort(port, field), protocol: 'tcp', host: 0, hostIp: '', pickFree: false };
  if (typeof port === 'string') return { ...parsePortString(port, field), host: 0, hostIp: '', pickFree: false };
  if (!isRecord(port)) return check.fail(field, 'a number, a string like "5432/tcp", or { container, host?, protocol? }', port);
  check.keys(port, PORT_KEYS, `\`${field}\``);
  const protocol = port.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp') check.fail(`${field}.protocol`, '"tcp" or "udp"', protocol);
  const container = validPort(port.container, `${field}.container`);
  const pickFree = port.host === 'free';
  const host = pickFree || port.host === undefined ? 0 : validPort(port.host, `${field}.host`);
  const hostIp = check.string(port.hostIp, `${field}.hostIp`) ?? '';
  return { container, protocol: protocol as 'tcp' | 'udp', host, hostIp, pickFree };
}

export function resolvePorts(ports: PortSpec[] | undefined): PortPlan[] {
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) check.fail('ports', 'an array', ports);
  const seen = new Set<string>();
  return ports.map((port, index) => {
    const field = `ports[${index}]`;
    const plan = resolvePort(port, field);
    const key = `${plan.container}/${plan.protocol}`;
    if (seen.has(key)) check.fail(field, 'a port not listed twice', key);
    seen.add(key);
    return plan;
  });
}
