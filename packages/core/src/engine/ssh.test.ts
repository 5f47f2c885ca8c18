/**
 * The ssh transport's command line and its failures, with stand-in `ssh` programs (small shell
 * scripts) in place of the real client: what berth runs, and what a missing client, a refused host
 * key or a missing remote docker become. The real ssh path runs in test/engine/ssh.test.ts.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineUnreachableError } from '../errors.js';
import { parseDockerHost } from './endpoint.js';
import { sshArgv } from './ssh.js';
import { Transport } from './transport.js';

const endpoint = parseDockerHost('ssh://deploy@build-host:2222');
let dir: string;

async function fakeSsh(name: string, script: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
  return path;
}

async function ping(command: string[]): Promise<unknown> {
  const previous = process.env.BERTH_SSH_COMMAND;
  process.env.BERTH_SSH_COMMAND = command.join(' ');
  const { resetConfig } = await import('../config.js');
  resetConfig();
  const transport = new Transport(endpoint);
  try {
    return await transport.json({ method: 'GET', path: '/_ping', unversioned: true, what: 'pinging the engine' }).catch((e) => e);
  } finally {
    transport.close();
    if (previous === undefined) delete process.env.BERTH_SSH_COMMAND;
    else process.env.BERTH_SSH_COMMAND = previous;
    resetConfig();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-ssh-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ssh transport', () => {
  it('runs ssh in batch mode with the user, port and dial-stdio', () => {
    expect(sshArgv(endpoint, ['ssh', '-F', '/etc/berth/ssh_config'])).toEqual([
      'ssh',
      '-F',
      '/etc/berth/ssh_config',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=30',
      '-T',
      '-l',
      'deploy',
      '-p',
      '2222',
      '--',
      'build-host',
      'docker',
      'system',
      'dial-stdio',
    ]);
    expect(sshArgv(parseDockerHost('ssh://host'), ['ssh'])).toEqual([
      'ssh',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      'host',
      'docker',
      'system',
      'dial-stdio',
    ]);
  });

  it('speaks HTTP over the child’s stdio', async () => {
    // A stand-in remote docker: reads the request line, answers one HTTP response.
    const ssh = await fakeSsh(
      'http-ssh',
      'read line; printf "HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: 13\\r\\n\\r\\n{\\"via\\":\\"ssh\\"}"; sleep 5',
    );
    expect(await ping([ssh])).toEqual({ via: 'ssh' });
  });

  it('a missing ssh client is EngineUnreachableError saying to install one', async () => {
    const error = (await ping([join(dir, 'no-such-ssh')])) as EngineUnreachableError;
    expect(error).toBeInstanceOf(EngineUnreachableError);
    expect(error.message).toMatch(/needs an ssh client: the ssh client ".*no-such-ssh" is not installed or not on PATH/);
    expect(error.hint).toMatch(/install OpenSSH/);
  });

  it.each([
    ['Host key verification failed.', 255, /does not know the host key of build-host.*BatchMode=yes/],
    ['deploy@build-host: Permission denied (publickey).', 255, /refused every key.*ssh-add/],
    ['sh: 1: docker: not found', 127, /docker CLI must be installed on build-host/],
  ])('ssh saying "%s" is EngineUnreachableError with its words and a hint', async (said, code, hint) => {
    const ssh = await fakeSsh(`fail-${code}-${said.length}`, `echo '${said}' >&2; exit ${code}`);
    const error = (await ping([ssh])) as EngineUnreachableError;
    expect(error).toBeInstanceOf(EngineUnreachableError);
    expect(error.message).toContain(`ssh to ssh://deploy@build-host:2222 failed: ssh exited with code ${code}: ${said}`);
    expect(error.hint).toMatch(hint);
  });
});
