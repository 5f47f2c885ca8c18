import type { ComposeDetails } from '@berth/core/compose';
import { service } from '@berth/vitest/test';
import { describe, expect, test } from 'vitest';

const appUrl = () => process.env.APP_URL as string;

describe('the app, built and started from the compose file', () => {
  test('reaches postgres and redis by their service names', async () => {
    const response = await fetch(`${appUrl()}/health`);
    expect(response.status).toBe(200);
    // The build argument from the compose file made it into the image.
    expect(await response.json()).toEqual({ db: true, cache: true, greeting: 'hello from compose' });
  });

  test('counts visits in the compose redis', async () => {
    const first = (await (await fetch(`${appUrl()}/visits`, { method: 'POST' })).json()) as { visits: number };
    const second = (await (await fetch(`${appUrl()}/visits`, { method: 'POST' })).json()) as { visits: number };
    expect(second.visits).toBe(first.visits + 1);
  });

  test('every service of the file has typed connection details', () => {
    // The compose file's service names, known to this suite: a typed view of the details.
    const stack = service('stack', 'compose') as ComposeDetails<'db' | 'cache' | 'app'>;
    expect(Object.keys(stack.services).sort()).toEqual(['app', 'cache', 'db']);
    expect(stack.services.db.ports['5432']).toBeGreaterThan(0);
    expect(stack.services.app.containers).toHaveLength(1);
  });
});
