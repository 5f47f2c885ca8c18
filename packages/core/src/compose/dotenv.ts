/**
 * The `KEY=value` files compose reads: `.env` (variables for interpolation) and `env_file:`
 * (container environment). Blank lines and `#` comments are skipped, `export ` is allowed, single
 * quotes are literal, double quotes understand `\n`, `\t`, `\"` and `\\`; an unquoted value ends at
 * ` #`. A line with a name and no `=` is left out (the variable is unset).
 *
 * Like Compose v2, unquoted and double-quoted values are interpolated (`${VAR:-default}` and the other
 * forms of interpolate.ts): a name is looked up in `lookup` first (the environment compose sees),
 * then among the entries above it in the same file. Single-quoted values stay literal.
 */
import { ComposeFileError } from '../errors.js';
import { interpolate, type Lookup } from './interpolate.js';

export interface EnvFileOptions {
  /** Where names are looked up before the file's own earlier entries; no lookup = no interpolation. */
  lookup?: Lookup;
  /** Named in errors. */
  path?: string;
}

export function parseEnvFile(text: string, options: EnvFileOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const { lookup, path = 'env file' } = options;
  const substitute = (value: string, line: number): string => {
    if (!lookup) return value;
    const result = interpolate(value, (name) => lookup(name) ?? (Object.hasOwn(out, name) ? out[name] : undefined));
    if (!result.ok) throw new ComposeFileError(`${path}:${line}: ${result.message}`, { hint: result.hint, details: { file: path, line } });
    return result.value;
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    let raw = match[2] as string;
    if (raw.startsWith("'")) {
      const end = raw.indexOf("'", 1);
      out[key] = end < 0 ? raw.slice(1) : raw.slice(1, end);
    } else if (raw.startsWith('"')) {
      // A double-quoted value may run over several lines.
      while (!/[^\\]"\s*(#.*)?$/.test(raw.slice(1)) && !/^"\s*(#.*)?$/.test(raw.slice(1)) && i + 1 < lines.length) {
        i++;
        raw += `\n${lines[i] ?? ''}`;
      }
      const body = raw.slice(1).replace(/"\s*(#.*)?$/, '');
      const unescaped = body.replace(/\\([nt"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
      out[key] = substitute(unescaped, lineNo);
    } else {
      out[key] = substitute(raw.replace(/\s+#.*$/, '').trim(), lineNo);
    }
  }
  return out;
}
