import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { KeyvCacheableMemory } from '@cacheable/memory';
import { CacheManagerStore, KeyvAdapter } from 'cache-manager';
import { redisInsStore } from 'cache-manager-ioredis-yet';
import type { RedisClient } from '../redis/redis.module';
import { Keyv } from 'keyv';
import { AppConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.module';

/** Most products one instance keeps in its in-process tier (least recently used go first). */
export const MEMORY_TIER_SIZE = 50_000;

/**
 * The catalogue cache's tiers, through @nestjs/cache-manager: an in-process LRU tier first, then,
 * when Redis is configured (one node or a cluster), the Redis tier every instance shares (cache-manager-ioredis-yet on the
 * app's ioredis client, through cache-manager's KeyvAdapter). ProductStockCache drives them.
 * Never call the cache's clear(): on the Redis tier it would flush the whole Redis database.
 */
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: RedisClient | null) => {
        // objects kept as they are, not copied or turned into JSON per read (they are frozen), in one Map (no key hashing)
        const memory = new Keyv({ store: new KeyvCacheableMemory({ lruSize: MEMORY_TIER_SIZE, storeHashSize: 1, useClone: false }), namespace: '', serialize: undefined, deserialize: undefined });
        // cache-manager-ioredis-yet is written against cache-manager 5's store type; KeyvAdapter takes that shape
        const shared = redis ? new Keyv({ store: new KeyvAdapter({ name: 'redis', ...redisInsStore(redis) } as unknown as CacheManagerStore), namespace: '' }) : null;
        return { stores: shared ? [memory, shared] : [memory], ttl: config.productCacheTtlMs };
      },
    }),
  ],
  exports: [CacheModule],
})
export class CatalogueCacheModule {}
