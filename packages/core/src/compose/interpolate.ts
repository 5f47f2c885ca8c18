/**
 * Variable substitution in compose values, as compose does it: `$VAR`, `${VAR}`, `${VAR:-default}`
 * (unset or empty), `${VAR-default}` (unset), `${VAR:?message}` / `${VAR?message}` (fail),
 * `${VAR:+alt}` / `${VAR+alt}`, and `$$` for a literal `$`. An unset variable without a default
 * becomes the empty string; a `$` that starts no variable (`$(date)`, `$5`) stays as written. Keys are never substituted, only values.
 */
import type { ComposeFileError } from '../errors.js';
import { debug } from '../log.js';
import { fileError, type KeyPath, Override, type Places } from './source.js';

const log = debug('compose');

export type Lookup = (name: string) => string | undefined;

export type Interpolated = { ok: true; value: string; unset: string[] } | { ok: false; message: string; hint: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, lookup: Lookup): Interpolated {
  let out = '';
  const unset: string[] = [];
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close < 0) return invalid(text, 'a `${` is never closed');
      const inner = text.slice(dollar + 2, close);
      const result = expand(inner, lookup, unset);
      if (!result.ok) return result.message === '' ? invalid(text, `\`\${${inner}}\` is not a valid substitution`) : result;
      out += result.value;
      i = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(dollar + 1))?.[0];
    if (!name) {
      // Like Compose v2, a `$` that starts no variable (`$(date)`, `a$`, `$ x`) stays a literal `$`.
      out += '$';
      i = dollar + 1;
      continue;
    }
    const value = lookup(name);
    if (value === undefined) unset.push(name);
    out += value ?? '';
    i = dollar + 1 + name.length;
  }
  return { ok: true, value: out, unset };
}

type Expanded = { ok: true; value: string } | { ok: false; message: string; hint: string };

function expand(inner: string, lookup: Lookup, unset: string[]): Expanded {
  const name = NAME.exec(inner)?.[0];
  if (!name) return { ok: false, message: '', hint: '' };
  const rest = inner.slice(name.length);
  const value = lookup(name);
  if (rest === '') {
    if (value === undefined) unset.push(name);
    return { ok: true, value: value ?? '' };
  }
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) return { ok: false, message: '', hint: '' };
  const argument = rest.slice(op.length);
  const emptyCounts = op.startsWith(':');
  const missing = value === undefined || (emptyCounts && value === '');
  const nested = () => {
    const result = interpolate(argument, lookup);
    if (!result.ok) return result;
    unset.push(...result.unset);
    return { ok: true as const, value: result.value };
  };
  switch (op.at(-1)) {
    case '-':
      return missing ? nested() : { ok: true, value: value ?? '' };
    case '+':
      return missing ? { ok: true, value: '' } : nested();
    default: {
      if (!missing) return { ok: true, value: value ?? '' };
      const said = nested();
      const reason = said.ok && said.value !== '' ? `: ${said.value}` : '';
      return {
        ok: false,
        message: `required variable ${name} is ${value === undefined ? 'not set' : 'empty'}${reason}`,
        hint: `set ${name} in the environment, in the \`env\` option of startCompose, or in a .env file beside the first compose file`,
      };
    }
  }
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function invalid(text: string, why: string): Interpolated {
  return { ok: false, message: `invalid interpolation in ${JSON.stringify(text)}: ${why}`, hint: 'write `$$` for a literal `$`' };
}

/**
 * Substitutes every string value of a parsed file (not keys; `x-` extension fields too, like compose).
 * With `problems`, a value that cannot be substituted is recorded there (and left as written) instead
 * of thrown, so every bad value of a file is reported at once.
 */
export function interpolateTree(value: unknown, path: KeyPath, lookup: Lookup, places: Places, problems?: ComposeFileError[]): unknown {
  if (typeof value === 'string') {
    const result = interpolate(value, lookup);
    if (!result.ok) {
      const error = fileError(places, path, result.message, result.hint);
      if (!problems) throw error;
      problems.push(error);
      return value;
    }
    for (const name of result.unset) log('variable %s is not set; substituting an empty string (at %s)', name, path.join('.'));
    return result.value;
  }
  if (value instanceof Override) return new Override(interpolateTree(value.value, path, lookup, places, problems));
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, [...path, index], lookup, places, problems));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateTree(item, [...path, key], lookup, places, problems);
    return out;
  }
  return value;
}
