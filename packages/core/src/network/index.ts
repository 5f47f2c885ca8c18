export type { Network, NetworkOptions } from './network.js';
export { createNetwork } from './network.js';
