export type { Volume, VolumeOptions } from './volume.js';
export { createVolume } from './volume.js';
