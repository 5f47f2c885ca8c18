import { describe, expect, test } from 'vitest';
import { runtimeArgs } from './reaper.js';

describe('the reaper command per runtime', () => {
  test('Node and Bun run the watcher script as it is; Deno needs `run` and its permissions', () => {
    expect(runtimeArgs({ node: '20.20.2' })).toEqual([]);
    expect(runtimeArgs({ node: '24.3.0', bun: '1.4.5' })).toEqual([]);
    expect(runtimeArgs({ node: '24.3.0', deno: '2.9.6' })).toEqual(['run', '--allow-all', '--quiet']);
  });
});
