/**
 * The meeting point of the plugin and its global setup file. vitest loads a global setup file by
 * path, through its own module runner, and hands it nothing but the TestProject: it cannot receive
 * the plugin's options, and it may even be a separate instance of this package's code. So the plugin
 * leaves a hook here for each project it configured, and the global setup looks it up by the project
 * it is given. The map lives on `globalThis` under a `Symbol.for` key, the one thing every module
 * instance in the process shares; it is keyed weakly, so a project vitest drops (a watch-mode config
 * restart) takes its hook with it.
 */

/** What the global setup calls for a project that declared services; returns its teardown. */
export type ProjectHook = (project: object) => Promise<() => Promise<void>>;

interface Registry {
  hooks: WeakMap<object, ProjectHook>;
}

const KEY = Symbol.for('dev.berth.vitest.registry');

export function registry(): Registry {
  const holder = globalThis as { [KEY]?: Registry };
  holder[KEY] ??= { hooks: new WeakMap() };
  return holder[KEY];
}
