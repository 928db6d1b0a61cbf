import { Module } from '@nestjs/common';
import type { RedisClient } from '../redis/redis.module';
import { REDIS_CLIENT } from '../redis/redis.module';
import { InMemoryLoginStateStore } from './in-memory-login-state.store';
import { LoginStateStore } from './login-state.store';
import { RedisLoginStateStore } from './redis-login-state.store';

/** Login states: one provider picks Redis or memory, like the cart store. */
@Module({
  providers: [
    {
      provide: LoginStateStore,
      inject: [REDIS_CLIENT],
      useFactory: (redis: RedisClient | null): LoginStateStore => (redis ? new RedisLoginStateStore(redis) : new InMemoryLoginStateStore()),
    },
  ],
  exports: [LoginStateStore],
})
export class LoginStateModule {}
