/**
 * The `berth` command (dist/cli.js). Exit codes: 0 success; 1 engine unreachable or removals failed;
 * 2 bad usage.
 */
import { readConfig } from '../config.js';
import { connect } from '../engine/index.js';
import { isBerthError } from '../errors.js';
import { parseArgs, USAGE } from './args.js';
import { doctor, printDoctor } from './doctor.js';
import { configPath, down, downJson, printDown } from './down.js';
import { type Output, stdio } from './format.js';
import { groupJson, listGroups, printGroups } from './ls.js';
import { printPrune, prune, pruneJson } from './prune.js';
import { report } from './report.js';
import { listReuse, printReuse, printReusePrune, pruneReuse, reuseJson } from './reuse.js';
import { runCommand } from './run-command.js';
import { upCommand } from './up.js';

export async function run(argv: readonly string[], io: Output = stdio): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.err(`berth: ${parsed.message}`);
    io.err('run `berth --help` for usage');
    return 2;
  }
  const args = parsed.args;
  const cfg = readConfig();
  const json = (value: unknown) => io.out(JSON.stringify(value, null, 2));
  switch (args.command) {
    case 'help':
      io.out(USAGE);
      return 0;
    case 'doctor': {
      const report = await doctor(cfg, args.engine);
      if (args.json) json(report);
      else printDoctor(report, io);
      return report.used ? 0 : 1;
    }
    case 'ls': {
      const engine = await connect(cfg, args.engine);
      const [groups, reuse] = await Promise.all([listGroups(engine, args.sessions, 'all'), listReuse(engine, cfg.reuseTtlMs)]);
      if (args.json) json({ sessions: groups.map(groupJson), ...reuseJson(reuse) });
      else {
        if (groups.length > 0 || (reuse.reused.length === 0 && reuse.cache.length === 0)) printGroups(groups, io);
        printReuse(reuse, io);
      }
      return 0;
    }
    case 'run':
      return runCommand(args, io);
    case 'report':
      return report(args.trace as string, args.output, io);
    case 'up':
      return upCommand(args, io, cfg);
    case 'down': {
      const engine = await connect(cfg, args.engine);
      const result = await down(engine, configPath(args.config), cfg.reuseTtlMs);
      if (args.json) json(downJson(result));
      else printDown(result, io);
      return result.failed.length > 0 ? 1 : 0;
    }
    case 'prune': {
      const engine = await connect(cfg, args.engine);
      if (args.reuse || args.cache) {
        const result = await pruneReuse(engine, { reuse: args.reuse, cache: args.cache, dryRun: args.dryRun, ttlMs: cfg.reuseTtlMs });
        if (args.json) json({ dryRun: args.dryRun, [args.dryRun ? 'wouldRemove' : 'removed']: result.removed, failed: result.failed });
        else printReusePrune(result, args.dryRun, io);
        return result.failed.length > 0 ? 1 : 0;
      }
      const result = await prune(engine, { all: args.all, dryRun: args.dryRun, sessions: args.sessions });
      if (args.json) json(pruneJson(result));
      else printPrune(result, io);
      return result.failed.length > 0 ? 1 : 0;
    }
  }
}

const argv = process.argv.slice(2);
const parsedArgv = parseArgs(argv);
const isRun = parsedArgv.ok && (parsedArgv.args.command === 'run' || parsedArgv.args.command === 'up');
run(argv).then(
  (code) => {
    process.exitCode = code;
    // berth run ends when its command has ended and the services are gone (berth up once they are
    // printed, or removed after --attach), whatever the loaded config left scheduled; core holds
    // this exit while a signal's cleanup still runs.
    if (isRun) process.exit(code);
  },
  (error: unknown) => {
    const message = isBerthError(error) ? error.message : String((error as Error)?.stack ?? error);
    process.stderr.write(`berth: ${message}\n`);
    process.exitCode = 1;
  },
);
