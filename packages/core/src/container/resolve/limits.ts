/** `resources`: memory and shm sizes ("512m", bytes) and a CPU count, as the engine wants them. */
import { check, RESOURCE_KEYS } from './keys.js';

export interface ResolvedLimits {
  memoryBytes: number | undefined;
  nanoCpus: number | undefined;
  shmSizeBytes: number | undefined;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "512m", "1g", "64k", 1048576 → bytes. */
export function parseBytes(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
    if (match) {
      const bytes = Math.round(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
      if (bytes > 0) return bytes;
    }
  }
  return check.fail(field, 'a positive byte count or a size like "512m"', value);
}

export function resolveLimits(value: unknown): ResolvedLimits {
  const resources = check.record(value, 'resources');
  check.keys(resources, RESOURCE_KEYS, '`resources`');
  const cpus = resources.cpus;
  if (cpus !== undefined && (typeof cpus !== 'number' || !(cpus > 0))) check.fail('resources.cpus', 'a positive number of CPUs', cpus);
  return {
    memoryBytes: parseBytes(resources.memory, 'resources.memory'),
    nanoCpus: cpus === undefined ? undefined : Math.round((cpus as number) * 1e9),
    shmSizeBytes: parseBytes(resources.shmSize, 'resources.shmSize'),
  };
}
