/**
 * Small readers that turn an untyped compose value into a typed one or fail naming file, line and key.
 * Every key check of the compose layer goes through `keys()`: a key is supported, ignored with a debug
 * line, or an error — never silently dropped.
 */

import { ComposeFileError } from '../errors.js';
import { debug } from '../log.js';
import { fileError, type KeyPath, keyName, type Places } from './source.js';

const log = debug('compose');

export class Reader {
  /** Problems found so far; loading goes on after each, so one error can list them all. */
  readonly problems: ComposeFileError[] = [];

  constructor(readonly places: Places) {}

  fail(path: KeyPath, message: string, hint?: string): never {
    throw fileError(this.places, path, message, hint);
  }

  /** Records a problem without stopping. */
  report(path: KeyPath, message: string, hint?: string): void {
    this.problems.push(fileError(this.places, path, message, hint));
  }

  /** Runs one independent check; a problem it fails with is recorded and `undefined` returned. */
  collect<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ComposeFileError)) throw error;
      this.problems.push(error);
      return undefined;
    }
  }

  /** Throws what was recorded: the problem itself when there is one, else one error listing all. */
  done(): void {
    const [first] = this.problems;
    if (!first) return;
    if (this.problems.length === 1) throw first;
    const list = this.problems.map((p) => ({
      file: p.details.file,
      line: p.details.line,
      key: p.details.key,
      message: p.summary,
      ...(p.hint ? { hint: p.hint } : {}),
    }));
    const lines = this.problems.map((p) => `  - ${p.summary}${p.hint ? ` (${p.hint})` : ''}`);
    throw new ComposeFileError(`${this.problems.length} problems in the compose files:\n${lines.join('\n')}`, {
      hint: 'each line names file, line and key; fix them all, then run again',
      details: { file: first.details.file, line: first.details.line, key: first.details.key, problems: list },
    });
  }

  /**
   * Checks a mapping's keys: `x-` fields pass, `ignored` ones log, `refused` ones are reported with
   * their reason, anything else not in `supported` is reported (with a did-you-mean). Reported keys
   * are left out of the result.
   */
  keys(
    value: unknown,
    path: KeyPath,
    supported: readonly string[],
    ignored: readonly string[] | Readonly<Record<string, string>> = [],
    refused: Readonly<Record<string, string>> = {},
  ): Record<string, unknown> {
    const map = this.map(value, path);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(map)) {
      if (supported.includes(key) || key.startsWith('x-')) {
        out[key] = map[key];
        continue;
      }
      const reasons: Readonly<Record<string, string>> = Array.isArray(ignored)
        ? Object.fromEntries(ignored.map((k) => [k, 'no meaning for a test run']))
        : (ignored as Readonly<Record<string, string>>);
      if (Object.hasOwn(reasons, key)) {
        log('ignoring `%s` (%s)', keyName([...path, key]), reasons[key]);
        continue;
      }
      if (Object.hasOwn(refused, key)) {
        this.report([...path, key], `\`${key}\` cannot work here: ${refused[key]}`, 'remove it, or override it in a file of your own');
        continue;
      }
      const close = supported.find((name) => similar(name, key));
      this.report(
        [...path, key],
        `unsupported key ${JSON.stringify(key)}`,
        close ? `did you mean \`${close}\`?` : `berth supports: ${supported.join(', ')} (see docs/compose.md)`,
      );
    }
    return out;
  }

  map(value: unknown, path: KeyPath): Record<string, unknown> {
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(path, `expected a mapping, got ${describe(value)}`);
    return value as Record<string, unknown>;
  }

  list(value: unknown, path: KeyPath): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected a list, got ${describe(value)}`);
    return value;
  }

  string(value: unknown, path: KeyPath): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    this.fail(path, `expected a string, got ${describe(value)}`);
  }

  bool(value: unknown, path: KeyPath): boolean {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.fail(path, `expected true or false, got ${describe(value)}`);
  }

  int(value: unknown, path: KeyPath, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      this.fail(path, `expected an integer ${min}–${max}, got ${describe(value)}`);
    }
    return n;
  }

  /** A string, or a list of strings (`command`, `entrypoint`: a string is split like a shell would). */
  stringOrList(value: unknown, path: KeyPath): string[] {
    if (typeof value === 'string') return [value];
    return this.list(value, path).map((item, index) => this.string(item, [...path, index]));
  }

  /** `KEY=value` list or mapping (environment, labels, args); `null` values stay null. */
  listOrMap(value: unknown, path: KeyPath, separator = '='): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        const text = this.string(item, [...path, index]);
        const at = text.indexOf(separator);
        if (at < 0) out[text] = null;
        else out[text.slice(0, at)] = text.slice(at + 1);
      });
      return out;
    }
    for (const [key, item] of Object.entries(this.map(value, path))) {
      if (item === null || item === undefined) out[key] = null;
      else if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
      else this.fail([...path, key], `expected a string, number or boolean, got ${describe(item)}`);
    }
    return out;
  }

  /** A Go-style duration ("1m30s", "500ms", "10s") in milliseconds. */
  duration(value: unknown, path: KeyPath): number {
    const ms = parseDuration(value);
    if (ms === undefined) this.fail(path, `expected a duration like "10s" or "1m30s", got ${describe(value)}`);
    return ms;
  }

  /** "512m", "1g", "1024" (bytes) → bytes. */
  bytes(value: unknown, path: KeyPath): number {
    const n = parseBytes(value);
    if (n === undefined) this.fail(path, `expected a size like "512m" or a number of bytes, got ${describe(value)}`);
    return n;
  }
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const match = re.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] as string).toLowerCase()] as number;
  return Math.round(Number(match[1]) * unit);
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

function similar(a: string, b: string): boolean {
  if (a === b.replace(/-/g, '_') || a.replace(/_/g, '') === b.replace(/[-_]/g, '').toLowerCase()) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  // Levenshtein distance ≤ 2.
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return (prev[b.length] as number) <= 2;
}

/** Splits a command string the way a POSIX shell splits words (quotes and backslashes), without expanding anything. */
export function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && /["\\$`]/.test(text[j + 1] ?? '')) j++;
        word += text[j];
      }
      if (j >= text.length) return undefined;
      i = j;
      inWord = true;
    } else if (c === '\\') {
      word += text[i + 1] ?? '';
      i++;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
