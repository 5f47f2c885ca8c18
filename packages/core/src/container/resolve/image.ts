/** `image` (a valid reference), `name` (generated when missing), `platform` and `pullPolicy`. */
import { randomBytes } from 'node:crypto';
import { config } from '../../config.js';
import { parseImageReference } from '../../image/reference.js';
import type { PullPolicy } from '../spec.js';
import { check } from './keys.js';

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const PULL_POLICIES: readonly PullPolicy[] = ['missing', 'always', 'never'];

export function resolveImage(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') check.fail('image', 'an image reference like "postgres:15"', value);
  const image = (value as string).trim();
  // Throws InvalidImageReferenceError naming what is wrong with the reference.
  parseImageReference(image);
  return image;
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

export function resolveName(value: unknown, image: string): string {
  if (value === undefined) return generateName(image);
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) check.fail('name', 'a container name of letters, digits, _ . -', value);
  return value as string;
}

export function resolvePlatform(value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(value))) {
    check.fail('platform', 'an os/arch pair like "linux/amd64"', value);
  }
  return value as string | undefined;
}

export function resolvePullPolicy(value: unknown): PullPolicy {
  return check.oneOf(value ?? config().pullPolicy ?? 'missing', 'pullPolicy', PULL_POLICIES);
}
