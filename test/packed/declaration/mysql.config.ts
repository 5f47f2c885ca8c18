import { defineConfig } from '@berth/core';
import { mysql } from '@berth/core/mysql';

export default defineConfig({ services: { db: mysql() }, env: { MYSQL_URL: (s) => s.db.url } });
