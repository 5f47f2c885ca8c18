// A throwaway sshd on loopback, for the ssh transport test: its own host key, one client key that
// it accepts for the current user, and an ssh-agent holding that key (berth's ssh transport, like
// the docker CLI's, runs the system ssh, which authenticates through SSH_AUTH_SOCK), and a
// known_hosts file naming the host key (`sshCommand` points ssh at it: BatchMode never asks). `docker system dial-stdio` on the "remote"
// side then reaches the local engine. Needs openssh-server (/usr/sbin/sshd) and the docker CLI.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { budget } from './budget.js';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  user: string;
  agentSocket: string;
  /** BERTH_SSH_COMMAND for this server: ssh with its known_hosts file. */
  sshCommand: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + budget(ms);
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sshd-'));
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  await run('cp', [join(dir, 'client_key.pub'), join(dir, 'authorized_keys')]);
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      '',
    ].join('\n'),
  );
  const knownHosts = join(dir, 'known_hosts');
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);
  const sshd: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: 'ignore' });
  const agentSocket = join(dir, 'agent.sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  await waitForPort(port, 15_000);
  for (let i = 0; !existsSync(agentSocket); i++) {
    if (i > 100) throw new Error('ssh-agent did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await run('ssh-add', [join(dir, 'client_key')], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
  return {
    port,
    user: userInfo().username,
    agentSocket,
    sshCommand: `ssh -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -F /dev/null`,
    close: async () => {
      sshd.kill();
      agent.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
