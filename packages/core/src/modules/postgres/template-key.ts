/**
 * The key of a template database: a sha256 over everything `setup` and the template depend on —
 * declared `templateInputs` (files and folders, by content), `setupSql` files (content), init
 * scripts (content), the role/database names and server settings, the `setup` hook's source, a
 * user's `templateKey`, and the server version (a clone cannot cross major versions, and a new
 * minor may change catalogs). The template's name comes from it (`berth_tpl_<16 hex>`), so an
 * unchanged second run finds its template and clones at once; a change builds a new one beside it.
 *
 * A `setup` hook with neither `templateInputs` nor `templateKey` cannot be keyed (berth cannot see
 * what it reads): `undefined`, and the caller builds a per-run template.
 */
import { createHash } from 'node:crypto';
import { pathDigest } from '../../container/reuse-identity.js';
import type { ResolvedPostgresOptions } from './options.js';

export const KEYED_TEMPLATE_PREFIX = 'berth_tpl_';

export async function templateKey(options: ResolvedPostgresOptions, version: number | Promise<number>): Promise<string | undefined> {
  if (options.setup && options.templateInputs.length === 0 && options.templateKey === undefined) return undefined;
  const digests = (paths: readonly string[]) => Promise.all(paths.map((p) => pathDigest(p)));
  const [inputs, setupSql, initScripts, serverVersion] = await Promise.all([
    digests(options.templateInputs),
    digests(options.setupSql),
    digests(options.initScripts),
    version,
  ]);
  const key = {
    serverVersion,
    user: options.user,
    database: options.database,
    settings: Object.entries(options.settings).sort(([a], [b]) => (a < b ? -1 : 1)),
    inputs,
    setupSql,
    initScripts,
    setup: options.setup ? options.setup.toString() : null,
    key: options.templateKey ?? null,
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

/** `berth_tpl_<first 16 hex of the key>`: 26 characters, well inside the server's 63. */
export function keyedTemplateName(key: string): string {
  return `${KEYED_TEMPLATE_PREFIX}${key.slice(0, 16)}`;
}
