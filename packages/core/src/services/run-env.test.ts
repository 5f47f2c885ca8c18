import { describe, expect, test } from 'vitest';
import { ConfigError } from '../errors.js';
import { connectRun } from './run-client.js';
import { BROKER_TOKEN_VARIABLE, BROKER_URL_VARIABLE, readRunVariables, runVariables, SERVICES_VARIABLE } from './run-env.js';

const services = { db: { kind: 'postgres', host: '127.0.0.1', port: 5432, containerName: 'berth-db', url: 'postgres://x' } };

describe('the variables of berth run', () => {
  test('round-trip the hand-off: services as JSON, the broker as URL and token', () => {
    const env = runVariables({ services, env: { A: '1' }, broker: { url: 'http://127.0.0.1:1', token: 't' } });
    expect(Object.keys(env).sort()).toEqual([BROKER_TOKEN_VARIABLE, BROKER_URL_VARIABLE, SERVICES_VARIABLE].sort());
    expect(readRunVariables(env)).toEqual({ services, env: {}, broker: { url: 'http://127.0.0.1:1', token: 't' } });
  });

  test('no broker variables when no service hands out slices', () => {
    const env = runVariables({ services, env: {} });
    expect(env).toEqual({ [SERVICES_VARIABLE]: JSON.stringify(services) });
    expect(readRunVariables(env).broker).toBeUndefined();
  });

  test('outside berth run: a ConfigError that says how to start the command', () => {
    expect(() => readRunVariables({})).toThrow(ConfigError);
    expect(() => readRunVariables({})).toThrow(/not started by `berth run`/);
    expect(() => readRunVariables({ [SERVICES_VARIABLE]: '{' })).toThrow(/not JSON/);
    expect(() => readRunVariables({ [SERVICES_VARIABLE]: '[]' })).toThrow(/not an object/);
  });
});

describe('connectRun', () => {
  const env = runVariables({ services, env: {} });

  test('service(): details by name, checked by kind, unknown names listed', () => {
    const run = connectRun(env);
    expect(run.service('db', 'postgres')).toEqual(services.db);
    expect(() => run.service('db', 'redis')).toThrow('service "db" is a postgres service, not redis');
    expect(() => run.service('nope')).toThrow(/no service named "nope"/);
  });

  test('lease() without a broker says no service hands out slices, before any request', async () => {
    await expect(connectRun(env).lease('db')).rejects.toThrow(/does not hand out fresh slices/);
  });
});
