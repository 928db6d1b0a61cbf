import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';
import { InMemorySessionStore } from './in-memory-session.store';
import { RedisSessionStore } from './redis-session.store';
import { SessionStore } from './session.store';

/** Login states and session links: one provider picks Redis or memory, like the cart store. */
@Module({
  providers: [
    {
      provide: SessionStore,
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis | null): SessionStore => (redis ? new RedisSessionStore(redis) : new InMemorySessionStore()),
    },
  ],
  exports: [SessionStore],
})
export class SessionsModule {}
