/**
 * Reads the engine's JSON-lines progress streams (pull, build). An abort destroys the stream at
 * once and the iteration throws AbortError; a line that is not JSON is passed on as `{ stream }` so
 * no output is lost.
 */
import type { Readable } from 'node:stream';
import { AbortError } from '../errors.js';

/** One message of a pull or build stream (the fields berth looks at). */
export interface EngineStreamMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: { ID?: string; [key: string]: unknown };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

export async function* readJsonLines(stream: Readable, signal: AbortSignal | undefined, what: string): AsyncGenerator<EngineStreamMessage> {
  const onAbort = () => stream.destroy(new AbortError(`${what} was aborted`, { cause: signal?.reason }));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let pending = '';
  try {
    for await (const chunk of stream) {
      pending += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line !== '') yield parseLine(line);
        newline = pending.indexOf('\n');
      }
    }
    if (pending.trim() !== '') yield parseLine(pending.trim());
  } catch (error) {
    if (signal?.aborted) {
      throw error instanceof AbortError ? error : new AbortError(`${what} was aborted`, { cause: signal.reason });
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Leaving the loop early (an error message in the stream, a consumer that stopped) must not
    // leave the connection open.
    if (!stream.destroyed) stream.destroy();
  }
}

function parseLine(line: string): EngineStreamMessage {
  try {
    const value = JSON.parse(line) as unknown;
    if (value && typeof value === 'object') return value as EngineStreamMessage;
  } catch {
    // fall through
  }
  return { stream: `${line}\n` };
}

/** The error text of a stream message, if it is an error. */
export function streamError(message: EngineStreamMessage): string | undefined {
  if (message.error) return message.error;
  if (message.errorDetail?.message) return message.errorDetail.message;
  return undefined;
}
