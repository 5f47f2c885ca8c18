/**
 * What a started postgres does when its container restarts (`container.restart()`):
 *
 * - before: berth's admin statements wait (admin.suspend());
 * - after: the new host port goes into the details berth hands out from then on, the admin
 *   connections reopen there, and clones cut off by the restart are made again (fresh-pool.ts);
 * - the template: one that was made before the restart and is still there is kept. One that was
 *   being made (the background template) or that the restart lost (a data directory in memory,
 *   `tuneForTests`, is made anew on every start) is made again, and ready databases lost with it are
 *   forgotten. On an image-cached server a lost template is not remade: fresh databases then fail at
 *   once, saying why. A container reused across runs loses this run's hold on it with the restart
 *   (the run connection other runs see it by), so it fails at once too;
 * - a container that does not come back fails every later request at once with that error.
 */
import type { StartedContainer } from '../../container/handle.js';
import { type BerthError, ModuleError } from '../../errors.js';
import type { IsolationPool } from '../../services/pool.js';
import { notBackFromRestart } from '../follow-ports.js';
import type { AdminConnection } from './admin.js';
import { POSTGRES_PORT } from './container-spec.js';
import { type PostgresDetails, postgresUrl } from './details.js';

/** What a restart changes: the address berth hands out, the template's progress, whether it is usable at all. */
export interface PostgresServerState {
  details: PostgresDetails;
  template: Promise<void>;
  unusable?: BerthError;
}

export interface RestartPlan {
  container: StartedContainer;
  admin: AdminConnection;
  pool: IsolationPool<string>;
  state: PostgresServerState;
  templateName: string;
  /** Makes the template (and, after setup, the main database) again; undefined where other runs share it. */
  remake: ((main: PostgresDetails) => Promise<void>) | undefined;
  /** restart() resolves only once the template is back (setup ran at start, so its errors belong to the call). */
  awaitTemplate: boolean;
  /**
   * A container reused across runs: this run's hold on it (an idle run connection, shared-server.ts)
   * ends with the restart, and other runs would then take this run's databases for a dead run's.
   */
  reused: boolean;
}

/** Registers the module's part in `container.restart()`; returns the function that removes it. */
export function followRestarts(plan: RestartPlan): () => void {
  const { container, admin, state } = plan;
  return container.onRestart({
    before: () => admin.suspend(),
    after: async ({ error }) => {
      if (error !== undefined) {
        const reason = notBackFromRestart('postgres', container, error);
        state.unusable ??= reason;
        admin.fail(reason);
        return;
      }
      const port = container.mappedPort(POSTGRES_PORT);
      const details: PostgresDetails = { ...state.details, port, url: postgresUrl({ ...state.details, port }) };
      // No await between these three: work let through by resume() already sees the new template promise.
      state.details = details;
      admin.resume(details);
      if (plan.reused) {
        state.unusable ??= new ModuleError(
          `postgres container ${container.name} is reused across runs and was restarted: this run's hold on it ended`,
          {
            hint: "other runs would now take this run's fresh databases for a dead run's; stop() the service and start it again (or restart without reuse)",
            details: { containerName: container.name, image: container.image },
          },
        );
        return;
      }
      state.template = settleTemplate(plan, state.template);
      state.template.catch(() => undefined);
      if (plan.awaitTemplate) await state.template;
    },
  });
}

async function settleTemplate(plan: RestartPlan, previous: Promise<void>): Promise<void> {
  const { admin, templateName, container, state } = plan;
  const made = await previous.then(
    () => true,
    () => false,
  );
  if (made && (await admin.databaseExists(templateName))) return;
  // The server's data was made anew: the ready databases went with the template.
  if (made) plan.pool.discardReady();
  if (!plan.remake) {
    const reason = new ModuleError(
      `the template database ${templateName} did not survive restart() of postgres container ${container.name}`,
      {
        hint: 'a reused or image-cached server shares its template with other runs and berth does not remake it; keep its data on disk (no tuneForTests) or start a new service',
        details: { containerName: container.name, image: container.image },
      },
    );
    state.unusable ??= reason;
    throw reason;
  }
  // A template the restart cut off half-way goes before it is made again.
  if (await admin.databaseExists(templateName)) {
    await admin.markTemplate(templateName, false);
    await admin.dropDatabase(templateName);
  }
  await plan.remake(state.details);
}
