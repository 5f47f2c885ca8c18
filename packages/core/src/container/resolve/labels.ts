/** `labels`: string values, keys outside berth's reserved `dev.berth.` prefix. */
import { LABEL_PREFIX } from '../../session/labels.js';
import { isRecord } from '../../spec/check.js';
import { check } from './keys.js';

export function resolveLabels(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (value === undefined) return labels;
  if (!isRecord(value)) check.fail('labels', 'an object of strings', value);
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith(LABEL_PREFIX)) {
      check.fail(
        `labels[${JSON.stringify(key)}]`,
        `a key outside the reserved prefix "${LABEL_PREFIX}"`,
        key,
        'berth sets its own dev.berth.* labels; pick another prefix',
      );
    }
    if (typeof item !== 'string') check.fail(`labels.${key}`, 'a string', item);
    labels[key] = item as string;
  }
  return labels;
}
