/**
 * The setup file the plugin adds to every project it is configured in: it runs in the worker before
 * each test file and puts the `env` mapping of this project's services into `process.env`. The main
 * process has these variables too, but several projects may map the same name to different services;
 * here each worker gets its own project's values.
 */
import { inject } from 'vitest';
import './public/provided.js';

const handoff = inject('berth');
if (handoff) Object.assign(process.env, handoff.env);
