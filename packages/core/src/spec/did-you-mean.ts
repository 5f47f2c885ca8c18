/**
 * "Did you mean" for option names: a known alias from other tools' vocabulary (`environment` for
 * `env`), a different case, a prefix (`startupTimeout` for `startupTimeoutMs`), or a small typo.
 * Pure string logic, no I/O.
 */

/** Names other tools (docker run, compose, testcontainers) use for berth's options. */
const ALIASES: Readonly<Record<string, string>> = {
  environment: 'env',
  envs: 'env',
  environmentVariables: 'env',
  cmd: 'command',
  exposedPorts: 'ports',
  portBindings: 'ports',
  mounts: 'binds',
  bindMounts: 'binds',
  waitStrategy: 'wait',
  waitFor: 'wait',
  memory: 'resources',
  cpus: 'resources',
  shmSize: 'resources',
  autoRemove: 'keep',
  startupTimeout: 'startupTimeoutMs',
  connectTimeout: 'connectTimeoutMs',
  pass: 'password',
  username: 'user',
  db: 'database',
  dbName: 'database',
  initScript: 'initScripts',
};

/** Damerau–Levenshtein distance (optimal string alignment): a swap of two letters counts once. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((d[i - 1]?.[j] ?? 0) + 1, (d[i]?.[j - 1] ?? 0) + 1, (d[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (d[i - 2]?.[j - 2] ?? 0) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return d[a.length]?.[b.length] ?? 0;
}

/** The known name `key` most likely stands for, or undefined when nothing is close. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const alias = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (alias !== undefined && known.includes(alias)) return alias;
  const lower = key.toLowerCase();
  const sameCase = known.find((name) => name.toLowerCase() === lower);
  if (sameCase) return sameCase;
  if (lower.length >= 4) {
    const prefixed = known.find((name) => name.toLowerCase().startsWith(lower) || lower.startsWith(name.toLowerCase()));
    if (prefixed) return prefixed;
  }
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
