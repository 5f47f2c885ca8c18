/**
 * Snapshots of the main database, for suites that prefer one database reset between tests over a
 * fresh one per test. A snapshot is a clone of the main database kept with connections disallowed;
 * restoring drops the main database and clones it back from the snapshot. Both end every session
 * on the main database first (a database with connections cannot be cloned or dropped), so callers'
 * pools see their connections closed and reconnect.
 */
import { InvalidSpecError, ModuleError } from '../../errors.js';
import type { AdminConnection } from './admin.js';

const SNAPSHOT_NAME = /^[A-Za-z0-9_]{1,40}$/;

export function snapshotDatabase(name: string): string {
  if (typeof name !== 'string' || !SNAPSHOT_NAME.test(name)) {
    throw new InvalidSpecError(`expected the snapshot name to be 1–40 letters, digits or _, got ${JSON.stringify(name)}`);
  }
  return `berth_snapshot_${name}`;
}

/** Copies the main database into the snapshot `name`, replacing an earlier snapshot of that name. */
export async function takeSnapshot(admin: AdminConnection, main: string, name: string): Promise<void> {
  const snapshot = snapshotDatabase(name);
  await wrap(`snapshot(${JSON.stringify(name)})`, async () => {
    await admin.dropDatabase(snapshot);
    // Keep clients from reconnecting between "terminate" and "clone".
    await admin.allowConnections(main, false);
    try {
      await admin.terminateConnections(main);
      await admin.createDatabase(snapshot, main);
      await admin.allowConnections(snapshot, false);
    } finally {
      await admin.allowConnections(main, true);
    }
  });
}

/** Replaces the main database with a copy of the snapshot `name`. */
export async function restoreSnapshot(admin: AdminConnection, main: string, name: string): Promise<void> {
  const snapshot = snapshotDatabase(name);
  await wrap(`restore(${JSON.stringify(name)})`, async () => {
    if (!(await admin.databaseExists(snapshot))) {
      throw new ModuleError(`there is no snapshot named ${JSON.stringify(name)}`, {
        hint: `call snapshot(${JSON.stringify(name)}) before restore(${JSON.stringify(name)})`,
      });
    }
    await admin.dropDatabase(main);
    await admin.createDatabase(main, snapshot);
  });
}

async function wrap(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof ModuleError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ModuleError(`postgres ${what} failed: ${message}`, { cause: error });
  }
}
