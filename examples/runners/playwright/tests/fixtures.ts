// The app under test, once per test, over that test's own fresh database: each test sees only
// what it put there itself, and tests run side by side in two workers.
import type { AddressInfo } from 'node:net';
import { test as berth } from '@berth/playwright';
import { createApp } from '../app/app.mjs';

export { expect } from '@berth/playwright';

export const test = berth.extend<{ app: string }>({
  app: async ({ freshDatabase }, use) => {
    const db = await freshDatabase('db');
    const server = createApp(db.url);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await new Promise((resolve) => server.close(resolve));
  },
});

/** Adds item 1 through the page and checks the page lists exactly one item. */
export async function addItemOne(page: import('@playwright/test').Page, app: string, name: string): Promise<void> {
  await page.goto(app);
  await page.getByLabel('id').fill('1');
  await page.getByLabel('name').fill(name);
  await page.getByRole('button', { name: 'Add' }).click();
  const rows = await page.locator('#items tr').count();
  // Under BERTH_EXAMPLE_NEGATIVE the test claims to see the other tests' rows: with real
  // isolation it cannot, and fails.
  const want = process.env.BERTH_EXAMPLE_NEGATIVE === '1' ? 3 : 1;
  if (rows !== want) throw new Error(`isolation: expected ${want} rows, found ${rows}`);
}
