/** Hand-rolled argv parsing for `berth` (no CLI framework): pure, so it is unit-tested directly. */

export type Command = 'doctor' | 'ls' | 'prune' | 'run' | 'up' | 'down' | 'report';

export interface CliArgs {
  command: Command | 'help';
  json: boolean;
  dryRun: boolean;
  all: boolean;
  /** (prune) reused containers no live session holds, whatever their age. */
  reuse: boolean;
  /** (prune) initialised-image cache entries. */
  cache: boolean;
  /** Restrict ls/prune to these sessions. */
  sessions: string[];
  /** DOCKER_HOST-style address overriding discovery. */
  engine: string | undefined;
  /** (run) the config file, instead of the one berth.config.* in the working directory. */
  config: string | undefined;
  /** (run) how many processes of the command take slices at once; sizes the isolation pools. */
  workers: number | undefined;
  /** (up) stay in the foreground with the services' logs; Ctrl-C removes them. */
  attach: boolean;
  /** (up) also write the config's env to this dotenv file. */
  envFile: string | undefined;
  /** (run) the command and its arguments: everything after `--` (or from the first word that is not an option). */
  commandLine: string[];
  /** (report) the trace file to read. */
  trace: string | undefined;
  /** (report) where to write the HTML page (`-o`); default: the trace's path with .html. */
  output: string | undefined;
}

export type ParseResult = { ok: true; args: CliArgs } | { ok: false; message: string };

const COMMANDS: readonly string[] = ['doctor', 'ls', 'prune', 'run', 'up', 'down', 'report', 'help'];
/** Which flags each command accepts (beyond --help, --json and --engine). */
const ALLOWED: Record<Command | 'help', readonly string[]> = {
  doctor: [],
  ls: ['--session'],
  prune: ['--all', '--dry-run', '--session', '--reuse', '--cache'],
  run: ['--config', '--workers'],
  up: ['--config', '--attach', '--dotenv'],
  down: ['--config'],
  report: ['--output'],
  help: [],
};

export const USAGE = `Usage: berth <command> [options]

Commands:
  doctor    how berth finds the engine: each strategy tried and its outcome, the engine and API
            version, the endpoint used and the host for published ports
  ls        berth's resources on the engine, grouped by session, with each owner's state; reused
            containers with their hash, last use and what keeps them; cached images
  prune     remove the resources of sessions whose owner is dead on this host
  run       run -- <command...>: start the services of berth.config.*, run the command with their
            details in its environment (the config's env, BERTH_SERVICES, BERTH_BROKER_URL and
            BERTH_BROKER_TOKEN), remove everything when it ends; exits with the command's code
  up        start the services of berth.config.* for local work and keep them (reused while their
            spec is unchanged): prints each service's URL and the config's env as export lines
            (eval "$(berth up)"); test runs use them; kept until \`berth down\` or the reuse TTL
  down      remove what \`berth up\` keeps for this config
  report    report <trace.json> [-o page.html]: an HTML page (self-contained) of the timeline a run
            wrote with BERTH_TRACE=trace.json, with where its time went

Options:
  --json              machine-readable output
  --engine ADDR       use this engine (DOCKER_HOST syntax) instead of discovery
  --session ID        (ls, prune) only this session; repeatable
  --all               (prune) everything berth labelled: every session, alive or not, and kept volumes
  --dry-run           (prune) list what would be removed, remove nothing
  --config FILE       (run, up, down) the berth config to load instead of berth.config.* in this folder
  --workers N         (run) processes of the command that take fresh slices at once (pool size)
  --dotenv FILE       (up) also write the env as a dotenv file (e.g. .env.berth); --env-file FILE
                      is the same, but node itself takes it when FILE does not exist yet (exit 9)
  --attach            (up) stay in the foreground with the services' logs; Ctrl-C removes them
  --reuse             (prune) instead: reused containers no live run holds, whatever their age
  --cache             (prune) instead: the initialised-image cache (berth-cache/... images)
  -o, --output FILE   (report) the page to write (default: the trace's name with .html)
  -h, --help          this text

Exit codes: 0 success; 1 the engine is unreachable or something could not be removed; 2 bad usage.
berth run exits with the command's code (128 + n when a signal n ended it; 130 on Ctrl-C, 143 on
SIGTERM), or 1 when the services could not start.`;

export function parseArgs(argv: readonly string[]): ParseResult {
  const args: CliArgs = {
    command: 'help',
    json: false,
    dryRun: false,
    all: false,
    reuse: false,
    cache: false,
    sessions: [],
    engine: undefined,
    config: undefined,
    workers: undefined,
    attach: false,
    envFile: undefined,
    commandLine: [],
    trace: undefined,
    output: undefined,
  };
  // berth run: what follows `--` is the command's, untouched (its own --help included).
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? argv : argv.slice(0, dashes);
  if (dashes !== -1) args.commandLine = argv.slice(dashes + 1);
  if (own.includes('-h') || own.includes('--help')) return { ok: true, args };
  let command: string | undefined;
  const seen: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const raw = own[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = own[i + 1];
      if (next === undefined || next.startsWith('-')) return undefined;
      i++;
      return next;
    };
    switch (flag) {
      case '--json':
        args.json = true;
        break;
      case '--all':
        args.all = true;
        seen.push(flag);
        break;
      case '--dry-run':
        args.dryRun = true;
        seen.push(flag);
        break;
      case '--reuse':
      case '--cache':
        if (flag === '--reuse') args.reuse = true;
        else args.cache = true;
        seen.push(flag);
        break;
      case '--attach':
        args.attach = true;
        seen.push(flag);
        break;
      case '--config':
      case '--dotenv':
      case '--env-file': {
        const v = value();
        if (!v) return { ok: false, message: `${flag} needs a file` };
        if (flag === '--config') args.config = v;
        else args.envFile = v;
        seen.push(flag === '--env-file' ? '--dotenv' : flag);
        break;
      }
      case '--workers': {
        const v = value();
        const n = Number(v);
        if (!v || !Number.isInteger(n) || n < 1)
          return { ok: false, message: `--workers needs a whole number of at least 1, got ${JSON.stringify(v ?? '')}` };
        args.workers = n;
        seen.push(flag);
        break;
      }
      case '-o':
      case '--output': {
        const v = value();
        if (!v) return { ok: false, message: `${flag} needs a file` };
        args.output = v;
        seen.push('--output');
        break;
      }
      case '--engine':
      case '--session': {
        const v = value();
        if (!v) return { ok: false, message: `${flag} needs a value` };
        if (flag === '--engine') args.engine = v;
        else args.sessions.push(v);
        if (flag === '--session') seen.push(flag);
        break;
      }
      default:
        if (raw.startsWith('-')) return { ok: false, message: `unknown option ${raw}` };
        if (command === 'run' && dashes === -1) {
          // `berth run npm test`: the command starts at its first word.
          args.commandLine = own.slice(i);
          i = own.length;
          break;
        }
        if (command === 'report' && args.trace === undefined) {
          args.trace = raw;
          break;
        }
        if (command !== undefined) return { ok: false, message: `unexpected argument ${JSON.stringify(raw)}` };
        if (!COMMANDS.includes(raw)) return { ok: false, message: `unknown command ${JSON.stringify(raw)}` };
        command = raw;
    }
  }
  if (command === undefined) return { ok: true, args };
  args.command = command as CliArgs['command'];
  if (args.command === 'report' && args.trace === undefined) {
    return { ok: false, message: 'berth report needs the trace file: berth report <trace.json> [-o page.html]' };
  }
  if (args.command === 'run' && args.commandLine.length === 0) {
    return { ok: false, message: 'berth run needs a command: berth run -- <command> [arguments]' };
  }
  if (args.command !== 'run' && dashes !== -1) return { ok: false, message: `\`--\` only comes before the command of \`berth run\`` };
  if ((args.command === 'run' || args.command === 'up') && args.engine !== undefined) {
    return { ok: false, message: `--engine does not apply to \`berth ${args.command}\`; set DOCKER_HOST for it instead` };
  }
  const allowed = ALLOWED[args.command];
  const stray = seen.find((flag) => !allowed.includes(flag));
  if (stray) return { ok: false, message: `${stray} does not apply to \`berth ${args.command}\`` };
  if (args.all && args.sessions.length > 0) return { ok: false, message: '--all and --session exclude each other' };
  if ((args.reuse || args.cache) && (args.all || args.sessions.length > 0)) {
    return { ok: false, message: '--reuse/--cache prune only reused resources; they exclude --all and --session' };
  }
  return { ok: true, args };
}
