/**
 * Pull progress: `PullTracker` folds the engine's per-layer messages into one summary, and
 * `TtyBoard` keeps one updating line per image on an interactive stderr (finished images leave a
 * final line behind; running ones are redrawn below it).
 */
import type { EngineStreamMessage } from './json-lines.js';

export interface PullProgressEvent {
  /** The reference being pulled. */
  ref: string;
  /** The engine's status text for this message ("Downloading", "Pull complete", ...). */
  status: string;
  /** Layer id the message is about, when it is about a layer. */
  layer?: string;
  layersDone: number;
  layersTotal: number;
  /** Bytes downloaded so far over all layers whose size is known. */
  bytesDone: number;
  bytesTotal: number;
}

interface LayerState {
  done: boolean;
  current: number;
  total: number;
}

const LAYER_DONE = new Set(['Pull complete', 'Already exists']);
const LAYER_STATUSES = new Set([
  'Pulling fs layer',
  'Waiting',
  'Downloading',
  'Verifying Checksum',
  'Download complete',
  'Extracting',
  'Pull complete',
  'Already exists',
  'Retrying',
]);

export class PullTracker {
  readonly #ref: string;
  readonly #layers = new Map<string, LayerState>();

  constructor(ref: string) {
    this.#ref = ref;
  }

  update(message: EngineStreamMessage): PullProgressEvent {
    const status = message.status ?? '';
    const isLayer = message.id !== undefined && (LAYER_STATUSES.has(status) || status.startsWith('Retrying'));
    if (isLayer && message.id) {
      const layer = this.#layers.get(message.id) ?? { done: false, current: 0, total: 0 };
      if (LAYER_DONE.has(status)) {
        layer.done = true;
        if (layer.total > 0) layer.current = layer.total;
      } else if (status === 'Downloading') {
        layer.current = message.progressDetail?.current ?? layer.current;
        layer.total = message.progressDetail?.total ?? layer.total;
      } else if (status === 'Download complete' && layer.total > 0) {
        layer.current = layer.total;
      }
      this.#layers.set(message.id, layer);
    }
    return { ref: this.#ref, status, ...(isLayer && message.id ? { layer: message.id } : {}), ...this.totals() };
  }

  totals(): Pick<PullProgressEvent, 'layersDone' | 'layersTotal' | 'bytesDone' | 'bytesTotal'> {
    let layersDone = 0;
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const layer of this.#layers.values()) {
      if (layer.done) layersDone++;
      bytesDone += layer.current;
      bytesTotal += layer.total;
    }
    return { layersDone, layersTotal: this.#layers.size, bytesDone, bytesTotal };
  }
}

/** "postgres:15  3/7 layers  45.2/120.3 MB" */
export function formatProgress(event: PullProgressEvent): string {
  const parts = [event.ref];
  if (event.layersTotal > 0) parts.push(`${event.layersDone}/${event.layersTotal} layers`);
  if (event.bytesTotal > 0) parts.push(`${mb(event.bytesDone)}/${mb(event.bytesTotal)} MB`);
  else if (event.status) parts.push(event.status);
  return parts.join('  ');
}

function mb(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

interface Writable {
  write(text: string): unknown;
  columns?: number;
}

/** One line per running pull on an interactive terminal, redrawn at most every `intervalMs`. */
export class TtyBoard {
  readonly #out: Writable;
  readonly #intervalMs: number;
  readonly #lines = new Map<string, string>();
  #drawn = 0;
  #lastDraw = 0;

  constructor(out: Writable, intervalMs = 100) {
    this.#out = out;
    this.#intervalMs = intervalMs;
  }

  set(key: string, text: string): void {
    this.#lines.set(key, text);
    const now = Date.now();
    if (now - this.#lastDraw >= this.#intervalMs) this.#draw(undefined);
  }

  /** Replaces the image's live line by a permanent one (or removes it when `text` is undefined). */
  finish(key: string, text: string | undefined): void {
    if (!this.#lines.has(key) && text === undefined) return;
    this.#lines.delete(key);
    this.#draw(text);
  }

  #draw(permanent: string | undefined): void {
    this.#lastDraw = Date.now();
    const width = Math.max(20, (this.#out.columns ?? 80) - 1);
    let text = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : '';
    text += '\r\x1b[J';
    if (permanent !== undefined) text += `${clip(permanent, width)}\n`;
    for (const line of this.#lines.values()) text += `${clip(line, width)}\n`;
    this.#drawn = this.#lines.size;
    this.#out.write(text);
  }
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

let board: TtyBoard | undefined;

/** The board for the process's stderr, or undefined when stderr is not a terminal. */
export function stderrBoard(): TtyBoard | undefined {
  if (!process.stderr.isTTY) return undefined;
  board ??= new TtyBoard(process.stderr);
  return board;
}
