// startCompose on a file with the keys real files use, on each engine of the matrix (scripts/
// test-engines: Docker 20.10 and 26.1, Podman 4.3 and 5.4, a TLS dockerd). The check is
// test/support/compose-keys.ts.
//
// Podman 4.3 as this repository runs it (rootful, inside a sandbox whose own limits it may not
// raise: containers.conf sets `default_ulimits = []`) refuses any explicit ulimit with "error setting
// rlimit type 6 (nproc): operation not permitted", so there the file leaves `ulimits` out. Podman
// 5.4 (default ulimits at the shell's own limits) takes them.
import { describe, it } from 'vitest';
import { composeKeysRoundTrip } from '../support/compose-keys.js';

const engine = process.env.BERTH_ENGINE_NAME ?? 'docker';

describe(`compose on ${engine}`, () => {
  it('secrets, configs, sysctls, shm, dns, read-only root, network and volume sharing, fixed addresses, extends', async () => {
    await composeKeysRoundTrip({ ulimits: engine !== 'podman' });
  });
});
