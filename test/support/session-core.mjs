// The built @berth/core for session/network/cli engine tests and the reaper benchmark.
// BERTH_CORE_DIST points at another build of it (a directory holding index.js, cli.js, reaper.js).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const distDir = process.env.BERTH_CORE_DIST ? path.resolve(process.env.BERTH_CORE_DIST) : path.join(root, 'packages/core/dist');
export const cliPath = path.join(distDir, 'cli.js');
export const core = await import(pathToFileURL(path.join(distDir, 'index.js')).href);
