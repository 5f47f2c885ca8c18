/**
 * Reads one compose file into plain values while remembering where every key sits, so that later
 * stages can name file, line and key in their errors. YAML anchors, aliases and `<<` merge keys are
 * resolved here; the rest of the compose layer sees ordinary objects.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ComposeFileError } from '../errors.js';

/** The value of a key tagged `!reset`: the key is unset, also in what earlier files set. */
export const RESET: unique symbol = Symbol('compose !reset');

/** The value of a key tagged `!override`: it replaces what earlier files set instead of merging with it. */
export class Override {
  constructor(readonly value: unknown) {}
}

/** A path into a compose file: `['services', 'web', 'ports', 1]`. */
export type KeyPath = readonly (string | number)[];

export interface Place {
  file: string;
  line: number;
  column: number;
}

/** Where keys are: the most specific known place for a path (a prefix when the key itself is unknown). */
export class Places {
  readonly #map = new Map<string, Place>();

  set(path: KeyPath, place: Place): void {
    this.#map.set(JSON.stringify(path), place);
  }

  get(path: KeyPath): Place | undefined {
    for (let n = path.length; n >= 0; n--) {
      const place = this.#map.get(JSON.stringify(path.slice(0, n)));
      if (place) return place;
    }
    return undefined;
  }

  /** Places of `other` win (a later file overrides an earlier one). */
  absorb(other: Places): void {
    for (const [key, place] of other.#map) this.#map.set(key, place);
  }
}

export interface SourceFile {
  path: string;
  value: Record<string, unknown>;
  places: Places;
}

/** `services.web.ports[1]` */
export function keyName(path: KeyPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

/** The typed error for a problem at `path`, naming file, line and key. */
export function fileError(places: Places, path: KeyPath, message: string, hint?: string, cause?: unknown): ComposeFileError {
  const place = places.get(path);
  const key = keyName(path);
  const where = place ? `${place.file}:${place.line}` : 'compose file';
  return new ComposeFileError(`${where}: ${key ? `\`${key}\`: ` : ''}${message}`, {
    ...(hint ? { hint } : {}),
    ...(cause === undefined ? {} : { cause }),
    details: { ...(place ? { file: place.file, line: place.line } : {}), key },
  });
}

export function parseSource(path: string, text: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true });
  const [problem] = doc.errors;
  if (problem) {
    const pos = problem.linePos?.[0] ?? lines.linePos(problem.pos[0]);
    throw new ComposeFileError(
      `${path}:${pos.line}:${pos.col}: invalid YAML: ${firstLine(problem.message)}\n${codeFrame(text, pos.line, pos.col)}`,
      {
        hint: 'check the indentation and quoting around that line',
        details: { file: path, line: pos.line, key: '' },
      },
    );
  }
  const places = new Places();
  const at = (node: { range?: [number, number, number] | null } | null | undefined): Place => {
    const offset = node?.range?.[0] ?? 0;
    const pos = lines.linePos(offset);
    return { file: path, line: pos.line, column: pos.col };
  };
  places.set([], { file: path, line: 1, column: 1 });
  const value = toValue(doc, doc.contents as Node | null, [], places, at);
  if (value === null || value === undefined) return { path, value: {}, places };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fileError(places, [], 'expected the file to be a mapping of top-level keys (services, networks, volumes)');
  }
  return { path, value: value as Record<string, unknown>, places };
}

type At = (node: { range?: [number, number, number] | null } | null | undefined) => Place;

function toValue(doc: Document, node: Node | null, path: KeyPath, places: Places, at: At, tags = true): unknown {
  if (node === null || node === undefined) return null;
  // Compose's merge tags: `!reset` drops what earlier files (or `extends`) set, `!override` replaces it
  // instead of merging (merge.ts applies both).
  if (tags && node.tag === '!reset') return RESET;
  if (tags && node.tag === '!override') return new Override(toValue(doc, node, path, places, at, false));
  if (isAlias(node)) return toValue(doc, node.resolve(doc) as Node | null, path, places, at);
  if (isScalar(node)) {
    // `0440` is octal for Compose v2's YAML reader (YAML 1.1 style), decimal 440 for YAML 1.2: follow Compose.
    if (typeof node.value === 'number' && node.type === 'PLAIN' && /^0[0-7]+$/.test(node.source ?? '')) {
      return Number.parseInt(node.source as string, 8);
    }
    return node.value;
  }
  if (isSeq(node)) {
    return node.items.map((item, index) => {
      const child = [...path, index];
      places.set(child, at(item as Node));
      return toValue(doc, item as Node, child, places, at);
    });
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // `<<: *base` or `<<: [*a, *b]`: explicit keys win, then earlier sources over later ones.
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) {
          const resolved = toValue(doc, source as Node, path, places, at);
          if (resolved && typeof resolved === 'object' && !Array.isArray(resolved)) merged.push(resolved as Record<string, unknown>);
        }
        continue;
      }
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const child = [...path, key];
      places.set(child, at(keyNode));
      out[key] = toValue(doc, pair.value as Node | null, child, places, at);
    }
    for (const source of merged) for (const [key, value] of Object.entries(source)) if (!(key in out)) out[key] = value;
    return out;
  }
  return null;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Two lines either side of `line`, numbered, with a caret under `column`. */
export function codeFrame(text: string, line: number, column: number): string {
  const all = text.split(/\r?\n/);
  const from = Math.max(1, line - 2);
  const to = Math.min(all.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${all[n - 1] ?? ''}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
