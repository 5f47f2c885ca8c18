/** What `preset: '@berth/jest'` adds to a jest config; jest-preset.js at the package root re-exports it. */
import { presetFiles } from '../preset.js';

export default presetFiles();
