/** Random identifiers: session ids and generated resource names. */
import { randomBytes } from 'node:crypto';

/** A short random session id: 12 hex characters (48 bits, plenty for concurrent runs). */
export function newSessionId(): string {
  return randomBytes(6).toString('hex');
}

/** A generated resource name such as `berth-net-3f2a1b9c0d1e`. */
export function randomName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
