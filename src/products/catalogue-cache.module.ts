import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { CacheManagerStore, KeyvAdapter } from 'cache-manager';
import { redisInsStore } from 'cache-manager-ioredis-yet';
import type { RedisClient } from '../redis/redis.module';
import { Keyv } from 'keyv';
import { AppConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.module';

/**
 * The catalogue cache's shared tier, through @nestjs/cache-manager: when Redis is configured (one
 * node or a cluster), the Redis tier every instance shares (cache-manager-ioredis-yet on the app's
 * ioredis client, through cache-manager's KeyvAdapter). Without Redis there is none (cache-manager
 * then holds an unused in-memory store). ProductStockCache drives it, and keeps the in-process tier
 * itself (an LRU map it reads synchronously, 100 products a view). Never call the cache's clear():
 * on the Redis tier it would flush the whole Redis database.
 */
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: RedisClient | null) => {
        // cache-manager-ioredis-yet is written against cache-manager 5's store type; KeyvAdapter takes that shape
        const shared = redis ? new Keyv({ store: new KeyvAdapter({ name: 'redis', ...redisInsStore(redis) } as unknown as CacheManagerStore), namespace: '' }) : null;
        return { stores: shared ? [shared] : [], ttl: config.productCacheTtlMs };
      },
    }),
  ],
  exports: [CacheModule],
})
export class CatalogueCacheModule {}
