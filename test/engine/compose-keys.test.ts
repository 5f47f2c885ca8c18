// startCompose applies the keys of real files, on the default engine (the check is in
// test/support/compose-keys.ts; test/engines/compose.test.ts runs it on every engine).
import { describe, it } from 'vitest';
import { composeKeysRoundTrip } from '../support/compose-keys.js';

describe('startCompose applies the keys of real files', () => {
  it('secrets, configs, ulimits, sysctls, shm, dns, read-only root, network and volume sharing, fixed addresses, extends', async () => {
    await composeKeysRoundTrip();
  });
});
