// Imports the module named on the command line and prints every module file that got loaded:
// ES modules (seen by a resolve hook) and CommonJS ones (in require's cache).
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const seen = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => seen.add(url));
port1.unref();
const hook = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

const target = process.argv[2];
const began = performance.now();
await import(target);
const ms = performance.now() - began;
// Let the hook thread's last messages arrive.
await new Promise((resolve) => setTimeout(resolve, 50));
const require = createRequire(import.meta.url);
const files = [...seen, ...Object.keys(require.cache).map((path) => `file://${path}`)].filter((url) => url.startsWith('file:'));
console.log(JSON.stringify({ ms, files }));
