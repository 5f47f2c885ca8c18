/**
 * The global setup file the plugin adds to every project it is configured in. vitest runs it in the
 * main process, only when the project has at least one test to run, and calls the returned teardown
 * when the run ends (in watch mode: when vitest exits). All the work is in the hook the plugin left
 * in the registry; this file only finds it.
 */
import { registry } from './registry.js';

export default async function berthGlobalSetup(project: object): Promise<(() => Promise<void>) | undefined> {
  const hook = registry().hooks.get(project);
  // A project that inherited this file without the plugin's hook (e.g. the root project of a
  // multi-project config whose plugin list does not apply to its projects) starts nothing.
  if (!hook) return undefined;
  return hook(project);
}
