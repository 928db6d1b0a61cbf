import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { CouponsModule } from '../coupons/coupons.module';
import { ProductsModule } from '../products/products.module';
import { REDIS_CLIENT } from '../redis/redis.module';
import { CartController, SessionsController } from './cart.controller';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { InMemoryCartRepository } from './in-memory-cart.repository';
import { RedisCartRepository } from './redis-cart.repository';

@Module({
  imports: [ProductsModule, CouponsModule],
  controllers: [CartController, SessionsController],
  providers: [
    CartService,
    {
      provide: CartRepository,
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: Redis | null): CartRepository =>
        redis ? new RedisCartRepository(redis, config.cartTtlSeconds) : new InMemoryCartRepository(config.cartTtlSeconds),
    },
  ],
  exports: [CartService, CartRepository],
})
export class CartModule {}
