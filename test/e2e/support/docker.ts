/**
 * What the engine holds, asked through the docker CLI: an oracle independent of berth's own code.
 * Filters are labels; e2e tests select by `dev.berth.owner.pid` of the runner they started, so they
 * only ever see (and clean) their own resources while others use the same engine.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const OWNER_PID_LABEL = 'dev.berth.owner.pid';
export const SESSION_LABEL = 'dev.berth.session';

export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  state: string;
  session: string;
}

function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => ['--filter', `label=${key}=${value}`]);
}

/** Containers (any state) carrying all the given labels and berth's session label. */
export async function containers(labels: Record<string, string>): Promise<ContainerRow[]> {
  const { stdout } = await run('docker', [
    'ps',
    '-a',
    '--no-trunc',
    '--filter',
    `label=${SESSION_LABEL}`,
    ...labelFilters(labels),
    '--format',
    `{{.ID}}\t{{.Names}}\t{{.Image}}\t{{.State}}\t{{.Label "${SESSION_LABEL}"}}`,
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', name = '', image = '', state = '', session = ''] = line.split('\t');
      return { id, name, image, state, session };
    });
}

/** Containers of a runner process: everything its berth session created. */
export function containersOwnedBy(pid: number): Promise<ContainerRow[]> {
  return containers({ [OWNER_PID_LABEL]: String(pid) });
}

/** Every berth resource (container, network, volume) carrying all the given labels, as `kind:name`. */
export async function leftovers(labels: Record<string, string>): Promise<string[]> {
  const filters = ['--filter', `label=${SESSION_LABEL}`, ...labelFilters(labels)];
  const [c, n, v] = await Promise.all([
    run('docker', ['ps', '-a', ...filters, '--format', '{{.Names}}']),
    run('docker', ['network', 'ls', ...filters, '--format', '{{.Name}}']),
    run('docker', ['volume', 'ls', ...filters, '--format', '{{.Name}}']),
  ]);
  const list = (kind: string, text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((name) => `${kind}:${name}`);
  return [...list('container', c.stdout), ...list('network', n.stdout), ...list('volume', v.stdout)];
}

/** Every berth resource of a runner process: what its session created. */
export function leftoversOf(pid: number): Promise<string[]> {
  return leftovers({ [OWNER_PID_LABEL]: String(pid) });
}

/** Names of containers created between two instants by a runner process (the engine's event log). */
export async function containersCreatedBy(pid: number, since: Date, until: Date): Promise<string[]> {
  const { stdout } = await run('docker', [
    'events',
    '--since',
    since.toISOString(),
    '--until',
    until.toISOString(),
    '--filter',
    'type=container',
    '--filter',
    'event=create',
    '--filter',
    `label=${OWNER_PID_LABEL}=${pid}`,
    '--format',
    '{{.Actor.Attributes.name}}',
  ]);
  return stdout.split('\n').filter(Boolean);
}

/**
 * Removes what carries the given labels, after a test has already failed on it: a failed run must not
 * leave containers for the next one. Callers select their own resources (a pid or session label).
 */
export async function removeLeftovers(labels: Record<string, string>): Promise<void> {
  if (Object.keys(labels).length === 0) throw new Error('removeLeftovers needs a label that selects your own resources');
  const filters = ['--filter', `label=${SESSION_LABEL}`, ...labelFilters(labels)];
  const ids = async (args: string[]) => (await run('docker', args)).stdout.split('\n').filter(Boolean);
  const found = await ids(['ps', '-aq', ...filters]);
  if (found.length > 0) await run('docker', ['rm', '-f', '-v', ...found]);
  const networks = await ids(['network', 'ls', '-q', ...filters]);
  if (networks.length > 0) await run('docker', ['network', 'rm', ...networks]).catch(() => undefined);
  const volumes = await ids(['volume', 'ls', '-q', ...filters]);
  if (volumes.length > 0) await run('docker', ['volume', 'rm', '-f', ...volumes]).catch(() => undefined);
}
