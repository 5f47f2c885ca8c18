// The CommonJS side of the types: index.d.cts and its chunks must resolve as well.
import core = require('@berth/core');
import pg = require('@berth/core/postgres');

export const started: Promise<core.StartedContainer> = core.start({ image: 'busybox:latest' });
export const definition = pg.postgres();
export const code: string = core.ContainerExitedError.code;
