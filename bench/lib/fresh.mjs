/**
 * Runs one fresh-process script and times it from spawn to its "running" line: node's boot, the
 * library's import and the first start are all on the clock, as a test runner's worker pays them.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** `script` is a path, or [path, ...arguments]. */
export function runFresh(node, script, { cwd, env, timeoutMs = 60_000 } = {}) {
  const argv = Array.isArray(script) ? script : [script];
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(node, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const result = {};
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.event === 'running') {
        result.toRunningMs = performance.now() - began;
        result.importedMs = message.importedMs;
        result.startMs = message.runningMs - message.importedMs;
        result.id = message.id;
        result.calls = message.calls;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      result.toExitMs = performance.now() - began;
      if (code !== 0 || result.toRunningMs === undefined) {
        reject(new Error(`${argv.join(' ')} exited with code ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
      } else resolve(result);
    });
  });
}
