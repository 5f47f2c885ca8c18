/**
 * Configs passed inline to `withBerth(jestConfig, config)`. jest serialises its project config to
 * send it to workers, so service definitions (objects with functions) cannot travel inside it.
 * Instead withBerth leaves the config here, in the process that loaded the jest config, and puts only
 * an id into `testEnvironmentOptions.berth`. globalSetup runs in that same process and looks it up.
 *
 * The table hangs off `globalThis` under a `Symbol.for` key: the jest config may load this package
 * as ESM while globalSetup loads it as CommonJS, and the two copies must see the same table.
 */
import type { BerthRunConfig } from '@berth/core';

interface InlineTable {
  next: number;
  configs: Map<string, BerthRunConfig>;
}

const KEY = Symbol.for('dev.berth.jest.inline-configs');

function table(): InlineTable {
  const holder = globalThis as { [KEY]?: InlineTable };
  holder[KEY] ??= { next: 1, configs: new Map() };
  return holder[KEY];
}

/** Keeps a config for globalSetup; returns the id to put into the jest config. */
export function keepInline(config: BerthRunConfig): string {
  const state = table();
  const id = `inline-${state.next++}`;
  state.configs.set(id, config);
  return id;
}

export function inlineConfig(id: string): BerthRunConfig | undefined {
  return table().configs.get(id);
}
