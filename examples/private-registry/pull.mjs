// @ts-check
// Starts a container from a private image. Credentials come the way CI usually gives them: a
// docker config.json in the DOCKER_AUTH_CONFIG variable (berth also reads $DOCKER_CONFIG/config.json
// and its credential helpers, like the docker CLI). main.mjs runs this file twice, with a right
// and a wrong password.
//
//   DOCKER_AUTH_CONFIG='{"auths":{"127.0.0.1:5000":{"auth":"<base64 of user:password>"}}}' \
//     node pull.mjs 127.0.0.1:5000/examples/busybox:1
import { endSession, RegistryAuthError, start } from '@berth/core';

const image = process.argv[2] ?? '';

try {
  // #region private-registry
  try {
    const box = await start({ image, command: ['sleep', '300'] }); // pulls with the credentials found
    const { stdout } = await box.exec(['echo', `hello from ${image}`]);
    console.log(stdout.trim());
    await box.stop();
  } catch (error) {
    if (!(error instanceof RegistryAuthError)) throw error;
    // code BERTH_REGISTRY_AUTH; the message names the registry and where the credentials came from.
    console.log(`${error.name} (${error.code}):\n${error.message}`);
    process.exitCode = 3;
  }
  // #endregion
} finally {
  await endSession();
}
