import { postgres, startPostgres } from '@berth/core/postgres';

export const db = postgres();
export const started = () => startPostgres();
export const fresh = async () => (await startPostgres()).freshDatabase();
