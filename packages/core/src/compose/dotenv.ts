/**
 * The `KEY=value` files compose reads: `.env` (variables for interpolation) and `env_file:`
 * (container environment). Blank lines and `#` comments are skipped, `export ` is allowed, single
 * quotes are literal, double quotes understand `\n`, `\t`, `\"` and `\\`; an unquoted value ends at
 * ` #`. A line with a name and no `=` is left out (the variable is unset).
 */

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
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
      out[key] = body.replace(/\\([nt"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    } else {
      out[key] = raw.replace(/\s+#.*$/, '').trim();
    }
  }
  return out;
}
