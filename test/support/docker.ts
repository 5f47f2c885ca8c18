// The docker CLI as an oracle independent of berth's own listing code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Containers, networks and volumes carrying the given label filter (e.g. dev.berth.session=abc). */
export async function labelled(filter: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const lines = (text: string) => text.split('\n').filter(Boolean);
  const [containers, networks, volumes] = await Promise.all([
    docker('ps', '-aq', '--filter', `label=${filter}`).then(lines),
    docker('network', 'ls', '-q', '--filter', `label=${filter}`).then(lines),
    docker('volume', 'ls', '-q', '--filter', `label=${filter}`).then(lines),
  ]);
  return { containers, networks, volumes };
}

export async function containerExists(idOrName: string): Promise<boolean> {
  return (
    (await docker('ps', '-aq', '--filter', `name=^${idOrName}$`)) !== '' || (await docker('ps', '-aq', '--filter', `id=${idOrName}`)) !== ''
  );
}
