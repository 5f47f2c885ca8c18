/**
 * Import cost, no container: fresh node processes that load one module and exit. Shows how much of
 * "fresh process to running" is spent loading code. dockerode alone (testcontainers' client, whose
 * top level loads gRPC/protobuf for BuildKit sessions and ssh2 for ssh:// engines) is measured
 * beside it from the peer's install; berth no longer depends on it.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runFresh } from '../lib/fresh.mjs';
import { PEER_DIR, PEER_NODE } from '../lib/peer.mjs';
import { addBreakdown, addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { rotation } from '../lib/stats.mjs';

const FRESH_DIR = fileURLToPath(new URL('../fresh/', import.meta.url));
const SCRIPT = `${FRESH_DIR}import-only.mjs`;

export async function importCost(ctx) {
  const entry = newCase({
    id: 'import',
    suite: 'Core',
    title: 'fresh process, import only',
    what: 'node boot + loading one module, then exit; no engine call',
  });
  // dockerode as the peer's testcontainers resolves it (berth itself no longer has it).
  const peerPkg = `${PEER_DIR}node_modules/testcontainers/package.json`;
  let dockerode;
  try {
    dockerode = createRequire(peerPkg).resolve('dockerode');
  } catch {
    entry.errors.push('dockerode alone is left out: bench/peer is not installed');
  }
  const run = (node, args, cwd) => runFreshArgs(node, args, cwd);
  const subjects = {
    node: { label: 'node, nothing loaded', run: () => run(process.execPath, ['-'], FRESH_DIR) },
    berth: { label: '@berth/core', run: () => run(process.execPath, ['@berth/core'], FRESH_DIR) },
    ...(dockerode && { dockerode: { label: 'dockerode alone', run: () => run(process.execPath, [dockerode, peerPkg], FRESH_DIR) } }),
    ...(ctx.peer && {
      peer: { label: 'testcontainers (Node 22)', run: () => run(PEER_NODE, ['testcontainers', `${PEER_DIR}package.json`], PEER_DIR) },
    }),
  };
  for (let i = 0; i < ctx.n.imports; i++) {
    for (const key of rotation(Object.keys(subjects), i)) {
      try {
        const r = await subjects[key].run();
        addSample(entry, key, subjects[key].label, i, r.toRunningMs);
        addBreakdown(entry, key, 'node boot', i, r.importedMs);
        addBreakdown(entry, key, 'loading the module', i, r.startMs);
      } catch (error) {
        entry.errors.push(`${key} #${i}: ${error.message}`);
      }
    }
    ctx.progress(`import ${i + 1}/${ctx.n.imports}`);
  }
  compare(entry, 'berth', 'node', { kind: 'delta', limitMs: 60 }); // issue #13: import('@berth/core') ≤ 60 ms on Node 20
  compare(entry, 'dockerode', 'node');
  compare(entry, 'berth', 'peer');
  return [finalise(entry)];
}

function runFreshArgs(node, args, cwd) {
  return runFresh(node, [SCRIPT, ...args], { cwd, env: process.env });
}
