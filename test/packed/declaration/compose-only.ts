import { compose, startCompose } from '@berth/core/compose';

const app = compose<'db' | 'cache'>({ files: 'compose.yaml' });
export const db = app.postgres('db');
export const cache = app.redis('cache');
export const env = () => startCompose();
