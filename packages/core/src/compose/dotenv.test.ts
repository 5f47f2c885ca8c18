// biome-ignore-all lint/suspicious/noTemplateCurlyInString: an env file keeps ${...} literally
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './dotenv.js';

describe('parseEnvFile', () => {
  it('reads KEY=value lines with comments, export, and quotes', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'SPACED = padded  ',
      'export EXPORTED=yes',
      "SINGLE='$not ${expanded} # kept'",
      'DOUBLE="line1\\nline2 \\"q\\""',
      'INLINE=value # comment',
      'EMPTY=',
      'NO_VALUE',
      'MULTI="a',
      'b"',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      PLAIN: 'value',
      SPACED: 'padded',
      EXPORTED: 'yes',
      SINGLE: '$not ${expanded} # kept',
      DOUBLE: 'line1\nline2 "q"',
      INLINE: 'value',
      EMPTY: '',
      MULTI: 'a\nb',
    });
  });
});
