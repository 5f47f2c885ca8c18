// The ssh transport (ssh://user@host): berth's own HTTP calls through `docker system dial-stdio` on
// the remote side, here a loopback sshd in front of the local engine. Needs openssh-server; without
// it the test is skipped and says so.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelled } from '../support/docker.js';
import { SSHD, type Sshd, startSshd } from '../support/sshd.js';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, '../support/engine-child.mjs');
const haveSshd = existsSync(SSHD);

let sshd: Sshd | undefined;
beforeAll(async () => {
  if (haveSshd) sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.close();
});

describe.skipIf(!haveSshd)(`ssh transport (needs ${SSHD})`, () => {
  it('starts, execs into, reads logs of and stops containers over ssh, with no process warning', async () => {
    const server = sshd as Sshd;
    const env = {
      ...process.env,
      DOCKER_HOST: `ssh://${server.user}@127.0.0.1:${server.port}`,
      SSH_AUTH_SOCK: server.agentSocket,
      BERTH_SSH_COMMAND: server.sshCommand,
    };
    for (const key of ['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'BERTH_SESSION_ID', 'BERTH_HOST']) delete env[key];
    // Published ports of an ssh engine are on its host: 127.0.0.1 here.
    const { stdout } = await run(process.execPath, [CHILD, '2'], { env, timeout: 120_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop() as string);
    expect(result, stdout).toMatchObject({ ok: true, started: 2, warnings: [] });
    expect((await labelled(`dev.berth.session=${result.session}`)).containers).toEqual([]);
  });
});
