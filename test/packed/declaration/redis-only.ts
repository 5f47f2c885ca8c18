import { redis, startRedis } from '@berth/core/redis';

export const cache = redis();
export const started = () => startRedis();
