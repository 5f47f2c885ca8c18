// Fresh process -> a running container, on whichever runtime runs this (Node, Bun, Deno): prints
// `running` once busybox runs, then removes it.
import { endSession, start } from '@berth/core';

const box = await start({ image: 'busybox:latest', command: ['sleep', '600'] });
console.log('running');
await box.stop();
await endSession();
