import { describe, expect, it } from 'vitest';
import { running } from '../wait/running.js';
import { loadSources } from './load.js';
import { readinessFor } from './readiness.js';

const FILE = `
services:
  migrate: { image: x }
  db: { image: x, healthcheck: { test: [CMD, "true"] } }
  web: { image: x, ports: ["8080:80", "53/udp"], expose: [9000] }
  worker: { image: x }
  app:
    image: x
    depends_on:
      migrate: { condition: service_completed_successfully }
      db: { condition: service_healthy }
      web: { condition: service_started }
`;

describe('readinessFor', () => {
  const order = Object.values(loadSources([{ path: '/p/c.yaml', text: FILE }], '/p', () => undefined).model.services);

  it('follows what the dependents ask for, then the service itself', () => {
    const waits = readinessFor(order, {});
    expect(waits.get('migrate')?.description).toBe('exit with code 0');
    expect(waits.get('migrate')?.expectsExit).toBe(true);
    expect(waits.get('db')?.description).toBe('health check healthy');
    // Only the TCP ports the file declares, not every port the image EXPOSEs.
    expect(waits.get('web')?.description).toBe('health check if any, else ports 80/tcp, 9000/tcp');
    expect(waits.get('worker')?.description).toBe('health check if any, else running (or done with exit code 0)');
    expect(waits.get('worker')?.expectsExit).toBe(true);
  });

  it('lets a wait override win', () => {
    const override = running();
    expect(readinessFor(order, { migrate: override }).get('migrate')).toBe(override);
  });
});
