/**
 * Reading /proc/net/tcp and /proc/net/tcp6: which TCP ports have a socket in LISTEN state.
 *
 * Each data row looks like
 *   `0: 00000000:1F90 00000000:0000 0A 00000000:00000000 ...`
 * where the second field is local address:port in hex and the fourth the state (0A = LISTEN). The
 * address is the kernel's 32-bit words printed in host byte order, so on the little-endian machines
 * Docker runs on (x86-64, arm64) 127.0.0.1 reads `0100007F`.
 */

const LISTEN = '0A';

/** The header row both files start with; text without it did not come from /proc/net/tcp*. */
export function looksLikeProcNet(text: string): boolean {
  return /\blocal_address\b/.test(text) && /\bst\b/.test(text);
}

/**
 * Ports with a listening socket reachable from outside the container's loopback: bound to any
 * address (0.0.0.0, ::) or to the container's own address. Listeners bound only to 127.0.0.0/8 or
 * ::1 are left out, because the engine's port forwarding cannot reach them; images that start a
 * temporary loopback-only server during initialisation would otherwise look ready too early.
 */
export function listeningPorts(text: string): Set<number> {
  const ports = new Set<number>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (fields[3] !== LISTEN || !local || !/^\d+:$/.test(fields[0] ?? '')) continue;
    const colon = local.lastIndexOf(':');
    const address = local.slice(0, colon);
    const port = Number.parseInt(local.slice(colon + 1), 16);
    if (!Number.isInteger(port) || isLoopback(address)) continue;
    ports.add(port);
  }
  return ports;
}

function isLoopback(hex: string): boolean {
  const address = hex.toUpperCase();
  if (address.length === 8) return address.endsWith('7F');
  if (address.length !== 32) return false;
  if (address === '00000000000000000000000001000000') return true;
  // IPv4-mapped (::ffff:127.x.x.x): the last word carries the IPv4 address.
  return address.startsWith('0000000000000000FFFF0000') && address.endsWith('7F');
}
