// Child processes, logging and a small concurrency limit for the provisioning script.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const TMP = process.env.TMPDIR || '/tmp';

const t0 = Date.now();
export const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
export const elapsed = () => Date.now() - t0;

export function log(name, msg) {
  console.log(`[${secs(elapsed()).padStart(7)}] ${name}: ${msg}`);
}

export function fail(msg) {
  console.error(`provision-images: ${msg}`);
  process.exit(2);
}

/**
 * Runs a command; resolves with { code, out, timedOut } (never rejects for a non-zero exit).
 * `out` holds stdout+stderr, trimmed to the last 256 KiB.
 */
export function run(cmd, args, { timeoutMs, input, env, logFile, cwd } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: env ?? process.env,
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let timedOut = false;
    const sink = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
    const collect = (chunk) => {
      out += chunk;
      if (out.length > 512 * 1024) out = out.slice(-256 * 1024);
      sink?.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timer;
    if (timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }, timeoutMs);
    }
    child.on('error', (err) => {
      clearTimeout(timer);
      sink?.end();
      resolve({ code: 127, out: out + String(err), timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      sink?.end();
      resolve({ code: code ?? 1, out, timedOut });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

export const tail = (text, n = 25) => text.trimEnd().split('\n').slice(-n).join('\n');
export const lastLine = (text) => tail(text, 1).trim();

/** A fresh (emptied) build log file for one image. */
export function logFileFor(name) {
  const dir = path.join(TMP, 'berth-provision-logs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.log`);
  fs.writeFileSync(file, '');
  return file;
}

/** A tiny semaphore so at most `n` builds run at once. */
export function limiter(n) {
  let active = 0;
  const waiting = [];
  return async (fn) => {
    if (active >= n) await new Promise((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
