// The shared scenario in a browser: each test adds item 1 through the app's page, in a database of
// its own; one takes a fresh redis database. (File users.)
import { createClient } from '@redis/client';
import { addItemOne, expect, test } from './fixtures.js';

test('users: a fresh database takes id 1', async ({ page, app }) => {
  await addItemOne(page, app, 'user');
});

test('users: another fresh database takes id 1 again', async ({ page, app }) => {
  await addItemOne(page, app, 'user');
});

test('users: a fresh redis database is empty', async ({ freshRedis }) => {
  const cache = await freshRedis('cache');
  const client = createClient({ url: cache.url });
  await client.connect();
  expect(await client.dbSize()).toBe(0);
  await client.set('who', 'users');
  await client.quit();
});
