import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { RedisClient } from '../redis/redis.module';
import { AppConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { UsersModule } from '../users/users.module';
import { AdminGuard } from './admin.guard';
import { BearerGuard, OptionalBearerGuard } from './bearer.guard';
import { InMemoryRevokedTokens, RedisRevokedTokens, RevokedTokens } from './revoked-tokens';
import { TokensService } from './tokens.service';

/**
 * Who is calling: the admin key and Bearer tokens, and the guards built on them. It sits below the
 * feature modules (products, coupons, cart, orders, auth), which import it for their guards.
 */
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => ({ secret: config.jwtSecret }) }),
  ],
  providers: [
    AdminGuard,
    BearerGuard,
    OptionalBearerGuard,
    TokensService,
    {
      provide: RevokedTokens,
      inject: [REDIS_CLIENT],
      useFactory: (redis: RedisClient | null): RevokedTokens => (redis ? new RedisRevokedTokens(redis) : new InMemoryRevokedTokens()),
    },
  ],
  exports: [AdminGuard, BearerGuard, OptionalBearerGuard, TokensService],
})
export class AccessModule {}
