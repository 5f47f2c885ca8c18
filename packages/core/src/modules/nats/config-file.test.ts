import { describe, expect, it } from 'vitest';
import { leaseAccounts, natsConfig } from './config-file.js';
import { resolveNatsOptions } from './options.js';

describe('natsConfig', () => {
  it('without auth: a main account for anonymous clients and one account per lease', () => {
    const accounts = leaseAccounts(2).map((a, i) => ({ ...a, password: `pw${i}` }));
    const text = natsConfig(resolveNatsOptions({ jetstream: true }), accounts, 'anon');
    expect(text).toBe(
      [
        'port: 4222',
        'http_port: 8222',
        'jetstream { store_dir: "/tmp/berth-jetstream" }',
        'accounts {',
        '  BERTH_MAIN: { users: [ { user: "berth_anonymous", password: "anon" } ], jetstream: enabled }',
        '  BERTH_LEASE_1: { users: [ { user: "lease_1", password: "pw0" } ], jetstream: enabled }',
        '  BERTH_LEASE_2: { users: [ { user: "lease_2", password: "pw1" } ], jetstream: enabled }',
        '}',
        'no_auth_user: berth_anonymous',
        '',
      ].join('\n'),
    );
  });

  it('with a token or no accounts: plain authorization, no accounts block', () => {
    const token = natsConfig(resolveNatsOptions({ auth: { token: 't0k' }, monitoring: false }), [], 'x');
    expect(token).toBe('port: 4222\nauthorization { token: "t0k" }\n');
    const user = natsConfig(resolveNatsOptions({ auth: { user: 'u', password: 'p' }, accounts: 0 }), [], 'x');
    expect(user).toContain('authorization { user: "u", password: "p" }');
  });

  it('lease passwords are random and distinct', () => {
    const [a, b] = leaseAccounts(2);
    expect(a?.password).not.toBe(b?.password);
    expect(a?.password).toMatch(/^[\w-]{24}$/);
  });
});
