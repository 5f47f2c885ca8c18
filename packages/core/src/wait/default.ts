/**
 * The strategy used when a spec names none: the strongest signal the container offers. A health
 * check knows the service best; failing that, a listener on every exposed port; failing that, only
 * that the engine says it is running.
 */
import { healthy } from './healthy.js';
import { ports } from './ports.js';
import { running } from './running.js';
import type { WaitStrategy } from './strategy.js';

export interface DefaultWaitInfo {
  /** The image or the spec defines a health check. */
  hasHealthcheck: boolean;
  /** How many TCP ports the container exposes. */
  exposedTcpPorts: number;
}

export function defaultWaitStrategy(info: DefaultWaitInfo): WaitStrategy {
  if (info.hasHealthcheck) return healthy();
  if (info.exposedTcpPorts > 0) return ports();
  return running();
}
