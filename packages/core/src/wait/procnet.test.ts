import { describe, expect, it } from 'vitest';
import { procNetTcp } from './fake-target.js';
import { listeningPorts, looksLikeProcNet } from './procnet.js';

// Captured from a container running nginx on :80 (IPv4 and IPv6) with one established connection.
const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41260 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41261 1 0000000000000000 100 0 0 10 0
   2: 020011AC:0050 010011AC:C2E4 01 00000000:00000000 00:00000000 00000000   101        0 41262 1 0000000000000000 20 4 30 10 -1
   3: 020011AC:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41263 1 0000000000000000 100 0 0 10 0`;
const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41264 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41265 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:2329 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41266 1 0000000000000000 100 0 0 10 0
   3: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41267 1 0000000000000000 100 0 0 10 0`;

describe('listeningPorts', () => {
  it('finds LISTEN rows in IPv4 and IPv6 tables, ignoring other states', () => {
    const ports = listeningPorts(`${tcp}\n${tcp6}`);
    // 80 (any), 5432 (0x1538 on the container address), 8081 (0x1F91, IPv6 any).
    expect([...ports].sort((a, b) => a - b)).toEqual([80, 5432, 8081]);
  });

  it('leaves out loopback-only listeners (127.0.0.1, ::1, ::ffff:127.0.0.1)', () => {
    const ports = listeningPorts(`${tcp}\n${tcp6}`);
    expect(ports.has(8080)).toBe(false);
    expect(ports.has(9000)).toBe(false);
    expect(ports.has(9001)).toBe(false);
  });

  it('does not count the remote port of an established connection', () => {
    expect(listeningPorts(tcp).has(0xc2e4)).toBe(false);
  });

  it('reads the text the fake target produces', () => {
    expect([...listeningPorts(procNetTcp([5432, 6379]))]).toEqual([5432, 6379]);
    expect(listeningPorts(procNetTcp([])).size).toBe(0);
  });
});

describe('looksLikeProcNet', () => {
  it('accepts the tables and rejects anything else', () => {
    expect(looksLikeProcNet(tcp)).toBe(true);
    expect(looksLikeProcNet(tcp6)).toBe(true);
    expect(looksLikeProcNet('')).toBe(false);
    expect(looksLikeProcNet('cat: /proc/net/tcp: No such file or directory')).toBe(false);
  });
});
