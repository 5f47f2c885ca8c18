/**
 * The one cleanup helper of the run lifecycle: every step runs, in order, whatever the earlier ones
 * did, and every failure is reported. One failure is rethrown as it is; several become one
 * CleanupError that lists them all (each in `errors`, in step order).
 *
 *   await runSteps('stopping the services', [
 *     { what: 'restore env', run: restoreEnv },
 *     { what: 'close the broker', run: () => broker.close() },
 *     { what: 'stop db', run: () => db.stop() },
 *   ])
 */
import { CleanupError } from '../errors.js';

export interface Step {
  /** Says what the step does, for the combined error ("stop service db"). */
  what: string;
  run(): unknown;
}

export async function runSteps(what: string, steps: readonly Step[]): Promise<void> {
  const failures: { what: string; error: unknown }[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      failures.push({ what: step.what, error });
    }
  }
  const [first] = failures;
  if (!first) return;
  if (failures.length === 1) throw first.error;
  throw new CleanupError(
    `${what}: ${failures.length} of ${steps.length} steps failed (${failures.map((f) => f.what).join('; ')})`,
    failures.map((f) => f.error),
  );
}
