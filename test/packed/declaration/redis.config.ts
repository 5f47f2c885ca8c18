import { defineConfig } from '@berth/core';
import { redis } from '@berth/core/redis';

export default defineConfig({ services: { cache: redis() }, env: { REDIS_URL: (s) => s.cache.url } });
