/** Validation of user-given labels and names, shared by networks and volumes. */
import { InvalidSpecError } from '../errors.js';
import { LABEL_PREFIX } from './labels.js';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Throws when a label key uses the reserved `dev.berth.` prefix or a value is not a string. */
export function checkUserLabels(option: string, labels: Record<string, string> | undefined): Record<string, string> {
  if (labels === undefined) return {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new InvalidSpecError(`expected \`${option}\` to be an object of strings, got ${JSON.stringify(labels)}`);
  }
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(LABEL_PREFIX)) {
      throw new InvalidSpecError(`expected \`${option}\` keys outside the reserved prefix "${LABEL_PREFIX}", got ${JSON.stringify(key)}`, {
        hint: 'berth manages its own dev.berth.* labels; pick another prefix',
      });
    }
    if (typeof value !== 'string') {
      throw new InvalidSpecError(`expected \`${option}.${key}\` to be a string, got ${JSON.stringify(value)}`);
    }
  }
  return { ...labels };
}

/** Throws unless the name is one the engine accepts for networks and volumes. */
export function checkName(option: string, name: string | undefined): void {
  if (name === undefined) return;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidSpecError(`expected \`${option}\` to match ${NAME.source}, got ${JSON.stringify(name)}`);
  }
}
