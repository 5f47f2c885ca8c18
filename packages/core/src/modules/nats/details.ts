/**
 * Connection details of a nats service: plain JSON for workers. A lease's details carry the
 * credentials of its own account (in `user`, `password` and `url`) and the account's name.
 */
import type { ServiceDetailsBase } from '../../services/definition.js';

export interface NatsDetails extends ServiceDetailsBase {
  kind: 'nats';
  host: string;
  /** Host port of the client port (4222 in the container). */
  port: number;
  /** `nats://[user:password@ | token@]host:port`. */
  url: string;
  user?: string;
  password?: string;
  token?: string;
  /** The account the credentials belong to (leases: one of berth's lease accounts). */
  account?: string;
  /** `http://host:port` of the monitoring endpoint, when enabled. */
  monitorUrl?: string;
  jetstream: boolean;
  containerName: string;
}

export function natsUrl(parts: {
  host: string;
  port: number;
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
}): string {
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  let auth = '';
  if (parts.token !== undefined) auth = `${encodeURIComponent(parts.token)}@`;
  else if (parts.user !== undefined) auth = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password ?? '')}@`;
  return `nats://${auth}${host}:${parts.port}`;
}
