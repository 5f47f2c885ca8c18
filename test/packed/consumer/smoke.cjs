// CommonJS smoke test of the packed packages: require() every entry, check its exports. Starts nothing.
const assert = require('node:assert/strict');

const core = require('@berth/core');
for (const name of ['start', 'getEngine', 'createNetwork', 'createVolume', 'endSession', 'defineConfig', 'buildImage']) {
  assert.equal(typeof core[name], 'function', `@berth/core exports ${name}`);
}
assert.equal(typeof core.wait.ports, 'function', '@berth/core exports wait.ports');
assert.ok(core.WaitTimeoutError.prototype instanceof core.BerthError, 'WaitTimeoutError is a BerthError');
assert.equal(core.WaitTimeoutError.code, new core.WaitTimeoutError('x').code, 'static code = instance code');
assert.equal(new core.InvalidSpecError('x').name, 'InvalidSpecError', 'class names survive the CJS bundle');
for (const internal of ['runWait', 'withDetails']) {
  assert.equal(core[internal], undefined, `@berth/core keeps ${internal} internal`);
}
// 0.1 names kept as deprecated aliases (they warn once when called; CHANGELOG.md says what replaces each)
for (const name of ['setImageSubstitution', 'acquireLease', 'releaseLease', 'startBroker', 'startServices', 'validateRunConfig']) {
  assert.equal(typeof core[name], 'function', `@berth/core keeps the deprecated ${name}`);
}
assert.equal(typeof require('@berth/jest').services, 'function', '@berth/jest keeps the deprecated services()');
assert.equal(typeof require('@berth/core/postgres').postgres, 'function', '@berth/core/postgres exports postgres');
assert.equal(typeof require('@berth/core/redis').redis, 'function', '@berth/core/redis exports redis');
assert.equal(typeof require('@berth/core/broker').acquireLease, 'function', '@berth/core/broker exports acquireLease');
assert.equal(require('@berth/core/broker').BerthError, core.BerthError, 'one BerthError class across entries');
assert.equal(typeof require('@berth/vitest').berth, 'function', '@berth/vitest exports berth');
const jest = require('@berth/jest');
for (const name of ['withBerth', 'service', 'freshDatabase']) assert.equal(typeof jest[name], 'function', `@berth/jest exports ${name}`);
console.log('require() smoke: every entry loads and exports what it should');
