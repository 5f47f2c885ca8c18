// A throwaway PKI made with openssl: a CA, an engine certificate for "localhost" signed by it, a
// client certificate signed by it, and an unrelated CA (to test "unknown CA").
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  root: string;
  /** DOCKER_CERT_PATH with ca.pem, cert.pem, key.pem (client side) for the right CA. */
  clientDir: string;
  /** DOCKER_CERT_PATH whose ca.pem is an unrelated CA. */
  wrongCaDir: string;
  /** DOCKER_CERT_PATH with ca.pem only (no client certificate). */
  caOnlyDir: string;
  server: { ca: string; cert: string; key: string };
}

async function openssl(cwd: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

async function ca(dir: string, name: string): Promise<void> {
  await openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.pem`,
  );
}

async function signed(dir: string, name: string, caName: string, ext: string): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), ext);
  await openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`);
  await openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${caName}.pem`,
    '-CAkey',
    `${caName}-key.pem`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
}

export async function makePki(): Promise<Pki> {
  const root = mkdtempSync(join(tmpdir(), 'berth-pki-'));
  await ca(root, 'ca');
  await ca(root, 'other-ca');
  await signed(root, 'server', 'ca', 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await signed(root, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  const read = (name: string) => readFileSync(join(root, name), 'utf8');
  const dir = (name: string, files: Record<string, string>) => {
    const path = join(root, name);
    mkdirSync(path);
    for (const [file, source] of Object.entries(files)) writeFileSync(join(path, file), read(source));
    return path;
  };
  return {
    root,
    clientDir: dir('client', { 'ca.pem': 'ca.pem', 'cert.pem': 'client.pem', 'key.pem': 'client-key.pem' }),
    wrongCaDir: dir('wrong-ca', { 'ca.pem': 'other-ca.pem', 'cert.pem': 'client.pem', 'key.pem': 'client-key.pem' }),
    caOnlyDir: dir('ca-only', { 'ca.pem': 'ca.pem' }),
    server: { ca: read('ca.pem'), cert: read('server.pem'), key: read('server-key.pem') },
  };
}
