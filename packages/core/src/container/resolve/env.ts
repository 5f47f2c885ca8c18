/** `env`: names without "=", values stringified (numbers and booleans are accepted). */
import { isRecord } from '../../spec/check.js';
import { check } from './keys.js';

export function resolveEnv(value: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  if (value === undefined) return env;
  if (!isRecord(value)) check.fail('env', 'an object of strings', value);
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === '' || key.includes('=')) check.fail(`env[${JSON.stringify(key)}]`, 'a name without "="', key);
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      check.fail(`env.${key}`, 'a string, number or boolean', item);
    }
    env[key] = String(item);
  }
  return env;
}
