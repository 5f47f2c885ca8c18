/**
 * The nats-server configuration berth writes into the container: ports, JetStream, and — for
 * isolation — one account per lease slot beside the service's own account. Accounts are how NATS
 * itself separates tenants: a subject published in one account is invisible in every other, and
 * so are its JetStream streams. The file is rewritten with a new password for an account when its
 * lease ends, then reloaded (`nats-server --signal reload`), which disconnects that account's old
 * clients.
 */
import { randomBytes } from 'node:crypto';
import type { ResolvedNatsOptions } from './options.js';

export const CLIENT_PORT = 4222;
export const MONITOR_PORT = 8222;
export const CONFIG_PATH = '/berth-nats.conf';
export const MAIN_ACCOUNT = 'BERTH_MAIN';
/** The user clients without credentials become, when the service has no auth. */
const ANONYMOUS_USER = 'berth_anonymous';

export interface LeaseAccount {
  /** Account name, e.g. `BERTH_LEASE_3`. */
  name: string;
  user: string;
  password: string;
}

export function leaseAccounts(count: number): LeaseAccount[] {
  return Array.from({ length: count }, (_, i) => ({ name: `BERTH_LEASE_${i + 1}`, user: `lease_${i + 1}`, password: newPassword() }));
}

export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** The whole configuration file for these options and the accounts' current passwords. */
export function natsConfig(options: ResolvedNatsOptions, accounts: readonly LeaseAccount[], anonymousPassword: string): string {
  const lines = [`port: ${CLIENT_PORT}`];
  if (options.monitoring) lines.push(`http_port: ${MONITOR_PORT}`);
  if (options.jetstream) lines.push('jetstream { store_dir: "/tmp/berth-jetstream" }');
  const js = options.jetstream ? ', jetstream: enabled' : '';
  const auth = options.auth;
  if (accounts.length === 0) {
    if (auth && 'token' in auth) lines.push(`authorization { token: ${quote(auth.token)} }`);
    else if (auth) lines.push(`authorization { user: ${quote(auth.user)}, password: ${quote(auth.password)} }`);
    return `${lines.join('\n')}\n`;
  }
  const mainUser = auth && 'user' in auth ? auth : { user: ANONYMOUS_USER, password: anonymousPassword };
  lines.push('accounts {');
  lines.push(`  ${MAIN_ACCOUNT}: { users: [ { user: ${quote(mainUser.user)}, password: ${quote(mainUser.password)} } ]${js} }`);
  for (const account of accounts) {
    lines.push(`  ${account.name}: { users: [ { user: ${quote(account.user)}, password: ${quote(account.password)} } ]${js} }`);
  }
  lines.push('}');
  if (!auth) lines.push(`no_auth_user: ${ANONYMOUS_USER}`);
  return `${lines.join('\n')}\n`;
}

function quote(value: string): string {
  return JSON.stringify(value);
}
