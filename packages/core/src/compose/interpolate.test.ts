// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose substitutions are written ${VAR}, in plain strings
import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.js';

const vars: Record<string, string> = { NAME: 'berth', EMPTY: '', PORT: '5432' };
const lookup = (name: string) => vars[name];
const value = (text: string) => {
  const result = interpolate(text, lookup);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe('interpolate', () => {
  it('substitutes $VAR and ${VAR}', () => {
    expect(value('$NAME-${PORT}')).toBe('berth-5432');
    expect(value('a${NAME}b')).toBe('aberthb');
    expect(value('$NAME.x')).toBe('berth.x');
  });

  it('turns $$ into a literal $ without substituting after it', () => {
    expect(value('$$NAME')).toBe('$NAME');
    expect(value('cost: $$5')).toBe('cost: $5');
  });

  it('replaces an unset variable with the empty string and reports it', () => {
    const result = interpolate('x${NOPE}y$ALSO_NOT', lookup);
    expect(result).toEqual({ ok: true, value: 'xy', unset: ['NOPE', 'ALSO_NOT'] });
  });

  it(':- uses the default when unset or empty, - only when unset', () => {
    expect(value('${NOPE:-d}')).toBe('d');
    expect(value('${EMPTY:-d}')).toBe('d');
    expect(value('${NAME:-d}')).toBe('berth');
    expect(value('${NOPE-d}')).toBe('d');
    expect(value('${EMPTY-d}')).toBe('');
    expect(value('${NOPE:-}')).toBe('');
  });

  it('defaults may contain spaces, colons and nested variables', () => {
    expect(value('${NOPE:-postgres://u:p@h:5432/db}')).toBe('postgres://u:p@h:5432/db');
    expect(value('${NOPE:-${NAME}:${PORT}}')).toBe('berth:5432');
  });

  it(':? fails when unset or empty, ? only when unset, with the message', () => {
    expect(interpolate('${NOPE:?set NOPE please}', lookup)).toMatchObject({
      ok: false,
      message: 'required variable NOPE is not set: set NOPE please',
    });
    expect(interpolate('${EMPTY:?needed}', lookup)).toMatchObject({ ok: false, message: 'required variable EMPTY is empty: needed' });
    expect(value('${EMPTY?needed}')).toBe('');
    expect(interpolate('${NOPE?needed}', lookup)).toMatchObject({ ok: false });
    expect(value('${NAME:?needed}')).toBe('berth');
  });

  it(':+ and + give the alternative when set', () => {
    expect(value('${NAME:+on}')).toBe('on');
    expect(value('${EMPTY:+on}')).toBe('');
    expect(value('${EMPTY+on}')).toBe('on');
    expect(value('${NOPE+on}')).toBe('');
  });

  it('rejects malformed substitutions', () => {
    expect(interpolate('${NAME', lookup)).toMatchObject({ ok: false, message: expect.stringContaining('never closed') });
    expect(interpolate('${1X}', lookup)).toMatchObject({ ok: false });
    expect(interpolate('${NAME:x}', lookup)).toMatchObject({ ok: false });
    // A `$` that starts no variable stays literal, as in Compose v2.
    expect(value('price $5, $(date), a$')).toBe('price $5, $(date), a$');
  });
});
