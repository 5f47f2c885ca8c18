/**
 * Connection details of a rabbitmq service: plain JSON for workers. A lease's details are the same
 * with its own `vhost` (in `vhost` and `url`).
 */
import type { ServiceDetailsBase } from '../../services/definition.js';

export interface RabbitmqDetails extends ServiceDetailsBase {
  kind: 'rabbitmq';
  /** Host of the AMQP port. */
  host: string;
  /** Host port of AMQP (5672 in the container). */
  port: number;
  user: string;
  password: string;
  vhost: string;
  /** `amqp://user:password@host:port/<vhost, URL-encoded>` — `/` is `%2F`. */
  url: string;
  /** `http://host:port` of the management API, when the image has it. */
  managementUrl?: string;
  managementPort?: number;
  containerName: string;
}

export function amqpUrl(parts: { host: string; port: number; user: string; password: string; vhost: string }): string {
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  const auth = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}`;
  return `amqp://${auth}@${host}:${parts.port}/${encodeURIComponent(parts.vhost)}`;
}

export function withVhost(details: RabbitmqDetails, vhost: string): RabbitmqDetails {
  return { ...details, vhost, url: amqpUrl({ ...details, vhost }) };
}
