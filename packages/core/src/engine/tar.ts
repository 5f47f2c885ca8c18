/**
 * The tar format, as much of it as the engine's archive and build APIs need: writing POSIX ustar
 * headers (a PAX record carries names and link targets that do not fit), and reading what the
 * engine sends back (ustar, PAX `x` records, GNU long names, base-256 sizes). No dependency: a tar
 * header is 512 bytes of fixed fields.
 */

const BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface TarHeader {
  /** Path inside the archive, "/"-separated, no leading slash. */
  name: string;
  type: TarEntryType;
  mode: number;
  /** Content length of a file; 0 for the rest. */
  size?: number;
  mtime?: Date;
  linkname?: string;
  uid?: number;
  gid?: number;
}

const TYPE_FLAG: Record<Exclude<TarEntryType, 'other'>, string> = { file: '0', directory: '5', symlink: '2' };

function octal(value: number, width: number): string {
  // width includes the terminating NUL.
  return `${Math.max(0, Math.floor(value))
    .toString(8)
    .padStart(width - 1, '0')}\0`;
}

function paxRecord(key: string, value: string): string {
  // "<length> <key>=<value>\n", where the length counts its own digits too.
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length += 1;
  return `${length}${body}`;
}

function rawHeader(h: TarHeader & { typeflag: string; name: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(h.name, 0, 100, 'utf8');
  block.write(octal(h.mode & 0o7777, 8), 100, 'ascii');
  block.write(octal(h.uid ?? 0, 8), 108, 'ascii');
  block.write(octal(h.gid ?? 0, 8), 116, 'ascii');
  block.write(octal(h.size ?? 0, 12), 124, 'ascii');
  block.write(octal((h.mtime ?? new Date(0)).getTime() / 1000, 12), 136, 'ascii');
  block.write(h.typeflag, 156, 'ascii');
  if (h.linkname) block.write(h.linkname, 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 'binary');
  block.write('        ', 148, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

/**
 * The header block(s) of one entry: a PAX record first when the name or link target is longer than
 * ustar's 100 bytes (or the size past its 8 GiB), then the ustar header itself.
 */
export function tarHeader(header: TarHeader): Buffer {
  if (header.type === 'other') throw new Error(`cannot write a tar entry of type "other" (${header.name})`);
  const name = header.type === 'directory' && !header.name.endsWith('/') ? `${header.name}/` : header.name;
  const size = header.type === 'file' ? (header.size ?? 0) : 0;
  const records: string[] = [];
  if (Buffer.byteLength(name) > 100) records.push(paxRecord('path', name));
  if (header.linkname && Buffer.byteLength(header.linkname) > 100) records.push(paxRecord('linkpath', header.linkname));
  if (size > 0o77777777777) records.push(paxRecord('size', String(size)));
  const main = rawHeader({ ...header, name: records.length > 0 ? name.slice(0, 100) : name, size, typeflag: TYPE_FLAG[header.type] });
  if (records.length === 0) return main;
  const pax = Buffer.from(records.join(''));
  const paxHeader = rawHeader({ name: 'PaxHeader', type: 'file', mode: 0o644, size: pax.length, typeflag: 'x' });
  return Buffer.concat([paxHeader, pax, padding(pax.length), main]);
}

/** What follows a file's content to fill its last block. */
export function tarPadding(size: number): Buffer {
  return padding(size);
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}

/** A whole archive in memory, for small ones (copies into a container). */
export function tarArchive(entries: readonly { header: TarHeader; content?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { header, content } of entries) {
    const body = header.type === 'file' ? (content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    parts.push(tarHeader({ ...header, size: body.length }), body, padding(body.length));
  }
  parts.push(tarEnd());
  return Buffer.concat(parts);
}

export interface TarEntry {
  name: string;
  type: TarEntryType;
  mode: number;
  content?: Buffer;
  linkname?: string;
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function number(block: Buffer, offset: number, length: number): number {
  // Base-256 (first byte's high bit set) is how Go and GNU tar write values too big for octal.
  if ((block[offset] ?? 0) & 0x80) {
    let value = (block[offset] ?? 0) & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[offset + i] ?? 0);
    return value;
  }
  const text = field(block, offset, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(body.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

/** Every entry of an archive held in memory. A truncated archive is an error, not a shorter list. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let ended = false;
  while (at + BLOCK <= archive.length) {
    const block = archive.subarray(at, at + BLOCK);
    if (block.every((byte) => byte === 0)) {
      ended = true;
      break;
    }
    const typeflag = String.fromCharCode(block[156] ?? 0);
    const size = pax.size !== undefined ? Number(pax.size) : number(block, 124, 12);
    const bodyStart = at + BLOCK;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > archive.length) throw new Error(`the archive ends inside an entry (${size} bytes announced at offset ${at})`);
    const body = archive.subarray(bodyStart, bodyEnd);
    at = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x') {
      pax = parsePax(body);
      continue;
    }
    if (typeflag === 'g') continue;
    if (typeflag === 'L' || typeflag === 'K') {
      const text = body.toString('utf8').replace(/\0+$/, '');
      if (typeflag === 'L') longName = text;
      else longLink = text;
      continue;
    }
    const magic = block.subarray(257, 262).toString('binary');
    const prefix = magic === 'ustar' ? field(block, 345, 155) : '';
    const plainName = prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100);
    const name = (pax.path ?? longName ?? plainName).replace(/\/$/, '');
    const linkname = pax.linkpath ?? longLink ?? field(block, 157, 100);
    const type: TarEntryType =
      typeflag === '0' || typeflag === '\0' || typeflag === '7'
        ? 'file'
        : typeflag === '5'
          ? 'directory'
          : typeflag === '2'
            ? 'symlink'
            : 'other';
    entries.push({
      name,
      type,
      mode: number(block, 100, 8),
      ...(type === 'file' ? { content: Buffer.from(body) } : {}),
      ...(linkname ? { linkname } : {}),
    });
    pax = {};
    longName = undefined;
    longLink = undefined;
  }
  if (!ended && at < archive.length) throw new Error(`the archive ends inside a header (${archive.length - at} bytes at offset ${at})`);
  return entries;
}
