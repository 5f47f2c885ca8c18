import { describe, expect, it } from 'vitest';
import { freshDatabase } from './services.js';

// The 0.1 third argument of freshDatabase: the lifetimes that are gone fail before anything is
// looked up or taken, naming the helper to use instead (no hand-off is needed to get there).
describe("freshDatabase's 0.1 `per` option", () => {
  it.each([
    ['file', /useFreshDatabase\(name\) at the top level of the file/],
    ['worker', /one database per worker is no longer offered/],
  ] as const)("per: '%s' is a ConfigError pointing at useFreshDatabase", async (per, hint) => {
    const error = await freshDatabase('db', 'postgres', { per }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BERTH_CONFIG_ERROR',
      summary: `freshDatabase(): \`per: '${per}'\` is gone; a fresh database is the current test's`,
      hint: expect.stringMatching(hint),
    });
  });
});
