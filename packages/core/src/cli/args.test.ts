import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

function ok(argv: string[]) {
  const result = parseArgs(argv);
  if (!result.ok) throw new Error(result.message);
  return result.args;
}

function fails(argv: string[]): string {
  const result = parseArgs(argv);
  if (result.ok) throw new Error('expected a usage error');
  return result.message;
}

describe('parseArgs', () => {
  it('shows help without a command and with --help anywhere', () => {
    expect(ok([]).command).toBe('help');
    expect(ok(['prune', '--bogus', '--help']).command).toBe('help');
    expect(ok(['-h']).command).toBe('help');
  });

  it('reads commands and flags in any order', () => {
    expect(ok(['--json', 'prune', '--dry-run', '--all'])).toEqual({
      command: 'prune',
      json: true,
      dryRun: true,
      all: true,
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
    });
  });

  it('berth up / down: --config, --attach and a dotenv file, only where they apply', () => {
    expect(ok(['up', '--attach', '--config', 'x/berth.config.mjs', '--dotenv', '.env.berth'])).toMatchObject({
      command: 'up',
      attach: true,
      config: 'x/berth.config.mjs',
      envFile: '.env.berth',
    });
    expect(ok(['up', '--env-file=.env.berth']).envFile).toBe('.env.berth');
    expect(ok(['down', '--config', 'b.mjs', '--json'])).toMatchObject({ command: 'down', config: 'b.mjs', json: true });
    expect(fails(['up', '--dotenv'])).toBe('--dotenv needs a file');
    expect(fails(['down', '--attach'])).toBe('--attach does not apply to `berth down`');
    expect(fails(['down', '--env-file', 'x'])).toBe('--dotenv does not apply to `berth down`');
    expect(fails(['run', '--attach', '--', 'true'])).toBe('--attach does not apply to `berth run`');
    expect(fails(['up', '--engine', 'tcp://x:2375'])).toMatch(/set DOCKER_HOST/);
    expect(fails(['up', 'now'])).toBe('unexpected argument "now"');
  });

  it('report: the trace file, and -o / --output for the page', () => {
    expect(ok(['report', 'run.json'])).toMatchObject({ command: 'report', trace: 'run.json', output: undefined });
    expect(ok(['report', 'run.json', '-o', 'page.html'])).toMatchObject({ trace: 'run.json', output: 'page.html' });
    expect(ok(['report', '--output=out/p.html', 'run.json'])).toMatchObject({ trace: 'run.json', output: 'out/p.html' });
    expect(fails(['report'])).toMatch(/needs the trace file/);
    expect(fails(['report', 'a.json', 'b.json'])).toBe('unexpected argument "b.json"');
    expect(fails(['ls', '-o', 'x.html'])).toBe('--output does not apply to `berth ls`');
  });

  it('prune --reuse / --cache: only with prune, never with --all or --session', () => {
    expect(ok(['prune', '--reuse', '--cache', '--dry-run'])).toMatchObject({ reuse: true, cache: true, dryRun: true });
    expect(parseArgs(['ls', '--reuse'])).toEqual({ ok: false, message: '--reuse does not apply to `berth ls`' });
    expect(parseArgs(['prune', '--reuse', '--all']).ok).toBe(false);
    expect(parseArgs(['prune', '--cache', '--session', 'x']).ok).toBe(false);
  });

  it('takes values separated or inline, and repeats --session', () => {
    const args = ok(['ls', '--session', 'abc', '--session=def', '--engine=unix:///x.sock']);
    expect(args.sessions).toEqual(['abc', 'def']);
    expect(args.engine).toBe('unix:///x.sock');
  });

  it('rejects unknown commands, options and stray arguments', () => {
    expect(fails(['rm'])).toBe('unknown command "rm"');
    expect(fails(['ls', '--force'])).toBe('unknown option --force');
    expect(fails(['ls', 'extra'])).toBe('unexpected argument "extra"');
  });

  it('rejects flags that do not apply to the command', () => {
    expect(fails(['ls', '--all'])).toBe('--all does not apply to `berth ls`');
    expect(fails(['doctor', '--dry-run'])).toBe('--dry-run does not apply to `berth doctor`');
  });

  it('needs values and keeps --all and --session apart', () => {
    expect(fails(['prune', '--session'])).toBe('--session needs a value');
    expect(fails(['prune', '--session', '--all'])).toBe('--session needs a value');
    expect(fails(['prune', '--all', '--session', 'x'])).toBe('--all and --session exclude each other');
  });

  it('run: the command is everything after `--`, untouched, or starts at its first word', () => {
    expect(ok(['run', '--', 'vitest', 'run', '--help', '--', 'x']).commandLine).toEqual(['vitest', 'run', '--help', '--', 'x']);
    expect(ok(['run', '--config', 'ci.config.ts', '--workers=4', '--', 'npm', 'test'])).toMatchObject({
      command: 'run',
      config: 'ci.config.ts',
      workers: 4,
      commandLine: ['npm', 'test'],
    });
    expect(ok(['run', 'npm', 'test', '--watch']).commandLine).toEqual(['npm', 'test', '--watch']);
  });

  it('run: needs a command, a whole --workers, and takes no --engine', () => {
    expect(fails(['run'])).toBe('berth run needs a command: berth run -- <command> [arguments]');
    expect(fails(['run', '--'])).toBe('berth run needs a command: berth run -- <command> [arguments]');
    expect(fails(['run', '--workers', '0', '--', 'true'])).toMatch(/--workers needs a whole number/);
    expect(fails(['run', '--engine', 'tcp://x:2375', '--', 'true'])).toMatch(/set DOCKER_HOST/);
    expect(fails(['ls', '--', 'true'])).toBe('`--` only comes before the command of `berth run`');
    expect(fails(['ls', '--config', 'x'])).toBe('--config does not apply to `berth ls`');
  });
});
