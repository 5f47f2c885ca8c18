import { execFileSync } from 'node:child_process';
import * as util from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { checkVariableNames, dotenv, logPrefixes, serviceUrl, shellQuote, upLines } from './up-output.js';

const db = { kind: 'postgres', host: '127.0.0.1', port: 5432, containerName: 'c1', url: 'postgres://u:p@127.0.0.1:5432/app' };
const raw = { kind: 'compose', host: '127.0.0.1', port: 8080, containerName: 'p1' };

describe('berth up output', () => {
  it('prints URLs as comments and env as export lines a shell evaluates to the same values', () => {
    const env = { DATABASE_URL: db.url, ODD: 'it\'s $HOME `x` "q"\nline two' };
    const lines = upLines({ db, web: raw }, env);
    expect(lines.slice(0, 2)).toEqual(['# db   postgres://u:p@127.0.0.1:5432/app', '# web  127.0.0.1:8080']);
    const script = `${lines.join('\n')}\nprintf '%s\\0' "$DATABASE_URL" "$ODD"`;
    const printed = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0');
    expect(printed.slice(0, 2)).toEqual([env.DATABASE_URL, env.ODD]);
  });

  it('quotes single quotes for the shell', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(serviceUrl(raw)).toBe('127.0.0.1:8080');
  });

  it('writes a dotenv file node reads back to the same values', () => {
    const env = { A: 'postgres://u:p@h:1/d?x=1&y=2', B: "it's", C: 'two\nlines' };
    const text = dotenv(env);
    expect(text).toContain("A='postgres://u:p@h:1/d?x=1&y=2'");
    // Node's own dotenv parser (20.12+; the one behind --env-file).
    const { parseEnv } = util as unknown as { parseEnv: (s: string) => Record<string, string> };
    expect(parseEnv(text)).toEqual(env);
  });

  it('refuses env names a shell cannot export, with a ConfigError', () => {
    expect(() => checkVariableNames({ OK_1: 'x', 'my-var': 'y', '1X': 'z' })).toThrow(ConfigError);
    expect(() => checkVariableNames({ OK_1: 'x' })).not.toThrow();
  });

  it('pads log prefixes to the longest service name', () => {
    expect(logPrefixes(['db', 'cache'])).toEqual({ db: 'db    | ', cache: 'cache | ' });
  });
});
