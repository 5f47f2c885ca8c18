import { describe, expect, it } from 'vitest';
import { defaultWaitStrategy } from './default.js';
import { wait } from './index.js';

describe('defaultWaitStrategy', () => {
  it('prefers the health check, then ports, then running', () => {
    expect(defaultWaitStrategy({ hasHealthcheck: true, exposedTcpPorts: 2 }).description).toBe('health check healthy');
    expect(defaultWaitStrategy({ hasHealthcheck: false, exposedTcpPorts: 1 }).description).toBe('all exposed TCP ports');
    expect(defaultWaitStrategy({ hasHealthcheck: false, exposedTcpPorts: 0 }).description).toBe('container running');
  });
});

describe('wait namespace', () => {
  it('offers every strategy', () => {
    expect(Object.keys(wait).sort()).toEqual(
      ['all', 'any', 'command', 'exit', 'healthy', 'http', 'log', 'ports', 'resource', 'running'].sort(),
    );
    expect(wait.all([wait.log('ready'), wait.http('/health')]).description).toBe('all of (log line "ready", HTTP GET /health → 2xx)');
  });
});
