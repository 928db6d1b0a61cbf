import { applyDecorators, Module, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/redis.module';
import { ErrorBody } from '../common/errors/error-body';
import { AppConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RateLimitGuard } from './rate-limit.guard';

/**
 * Per-client-IP rate limits (@nestjs/throttler): RATE_LIMIT_PER_MINUTE requests a minute over the
 * routes marked @RateLimit(), counted in Redis when it is configured (so the limit holds across
 * instances), else in memory. The client IP is the socket's, or X-Forwarded-For's as TRUST_PROXY allows.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: RedisClient | null) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
        // its script keeps both of a counter's keys in one slot ({key}), so it works on a cluster too;
        // the two arms only pick between the constructor's two overloads (Redis, Cluster)
        ...(redis ? { storage: redis instanceof Cluster ? new ThrottlerStorageRedisService(redis) : new ThrottlerStorageRedisService(redis) } : {}),
      }),
    }),
  ],
  providers: [RateLimitGuard],
  exports: [RateLimitGuard],
})
export class RateLimitModule {}

/** Counts the route against the caller's per-minute budget (cart writes, sessions, login start, checkout). */
export function RateLimit() {
  return applyDecorators(
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({
      type: ErrorBody,
      description: '`rate_limited`: over RATE_LIMIT_PER_MINUTE requests a minute from this address',
      headers: { 'Retry-After': { description: 'Seconds until the budget allows another request', schema: { type: 'integer' } } },
    }),
  );
}
