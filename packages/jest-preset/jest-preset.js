// jest reads `preset: '@berth/jest'` from this file at the package root.
export { default } from './dist/preset.js';
