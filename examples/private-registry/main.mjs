// @ts-check
// Pulling from a private registry with credentials. Starts a registry that requires a login
// (local-registry.mjs), pushes busybox:latest to it, then runs pull.mjs twice, each time as a new
// process with DOCKER_AUTH_CONFIG set: once with a wrong password (berth's RegistryAuthError), once
// with the right one (the container starts). Run alone: `pnpm run example` in this directory (after
// `pnpm build` at the root).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getEngine } from '@berth/core';
import { pushTo, startLocalRegistry } from './local-registry.mjs';

const pullScript = fileURLToPath(new URL('./pull.mjs', import.meta.url));

/**
 * Runs pull.mjs with DOCKER_AUTH_CONFIG holding these credentials; returns its exit code and output.
 * @param {string} image @param {string} registry @param {string} username @param {string} password
 */
function pullWith(image, registry, username, password) {
  // #region docker-auth-config
  const dockerAuthConfig = JSON.stringify({
    auths: { [registry]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } },
  });
  // #endregion
  const child = spawnSync(process.execPath, [pullScript, image], {
    env: { ...process.env, DOCKER_AUTH_CONFIG: dockerAuthConfig },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${child.stdout}${child.stderr}`.trim();
  console.log(output.replace(/^/gm, '  | '));
  return { status: child.status, output };
}

const registry = await startLocalRegistry();
const engine = await getEngine();
let image = '';
try {
  image = await pushTo(registry, 'busybox:latest', 'examples/busybox:1');
  console.log(`pushed busybox:latest as ${image} (the registry wants user ${registry.username} and a password)`);
  assert.equal(await engine.inspectImage(image), undefined, 'the image should only be in the registry now');

  console.log('\npull.mjs with a wrong password:');
  const refused = pullWith(image, registry.host, registry.username, 'not-the-password');
  assert.equal(refused.status, 3, 'expected a RegistryAuthError');
  assert.match(refused.output, /BERTH_REGISTRY_AUTH/);
  assert.match(refused.output, /DOCKER_AUTH_CONFIG/, 'the error says where the credentials came from');

  console.log('\npull.mjs with the right password:');
  const pulled = pullWith(image, registry.host, registry.username, registry.password);
  assert.equal(pulled.status, 0);
  assert.match(pulled.output, /hello from 127\.0\.0\.1:\d+\/examples\/busybox:1/);
  assert.ok(!pulled.output.includes(registry.password) && !refused.output.includes(registry.password), 'a password was printed');
} finally {
  // The pulled copy and the registry go; the containers went with pull.mjs's session.
  if (image) await engine.removeImage(image, true);
  await registry.stop();
  console.log(`\nremoved ${image || 'nothing pulled'} and stopped the registry`);
}
