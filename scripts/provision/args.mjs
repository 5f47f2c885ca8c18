// Command line and environment of scripts/provision-images.mjs. The usage text is the comment at
// the top of that script (printed by --help).
import fs from 'node:fs';
import { fail } from './process.mjs';

export function parseArgs(argv, env, scriptPath) {
  const opts = {
    noPull: env.BERTH_NO_PULL === '1',
    force: false,
    pullTimeoutMs: Number(env.BERTH_PULL_TIMEOUT_MS || 8000),
    jobs: Number(env.BERTH_PROVISION_JOBS || 3),
    list: false,
    all: false,
    names: [],
  };
  for (const arg of argv) {
    if (arg === '--no-pull') opts.noPull = true;
    else if (arg === '--force') opts.force = true;
    else if (arg === '--list') opts.list = true;
    else if (arg === '--all') opts.all = true;
    else if (arg.startsWith('--pull-timeout=')) opts.pullTimeoutMs = Number(arg.split('=')[1]);
    else if (arg.startsWith('--jobs=')) opts.jobs = Math.max(1, Number(arg.split('=')[1]) || 1);
    else if (arg === '-h' || arg === '--help') {
      console.log(usage(scriptPath));
      process.exit(0);
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
    else opts.names.push(arg);
  }
  return opts;
}

/** The leading `//` comment block of the script, without the comment markers. */
function usage(scriptPath) {
  const lines = fs.readFileSync(scriptPath, 'utf8').split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('//'));
  return lines
    .slice(0, end === -1 ? undefined : end)
    .map((l) => l.replace(/^\/\/ ?/, ''))
    .join('\n');
}
