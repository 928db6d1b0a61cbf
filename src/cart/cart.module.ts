import { Module } from '@nestjs/common';
import type { RedisClient } from '../redis/redis.module';
import { AccessModule } from '../access/access.module';
import { AppConfig } from '../config/app.config';
import { CouponsModule } from '../coupons/coupons.module';
import { ProductsModule } from '../products/products.module';
import { REDIS_CLIENT } from '../redis/redis.module';
import { CartController } from './cart.controller';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { CartSessionsController } from './cart-sessions.controller';
import { MyCartController } from './my-cart.controller';
import { InMemoryCartRepository } from './in-memory-cart.repository';
import { RedisCartRepository } from './redis-cart.repository';

/** Carts: the rules in CartService, the storage (Redis or memory) behind CartRepository, kept inside. */
@Module({
  imports: [AccessModule, ProductsModule, CouponsModule],
  controllers: [CartController, CartSessionsController, MyCartController],
  providers: [
    CartService,
    {
      provide: CartRepository,
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: RedisClient | null): CartRepository =>
        redis ? new RedisCartRepository(redis, config.cartTtlSeconds) : new InMemoryCartRepository(config.cartTtlSeconds),
    },
  ],
  exports: [CartService],
})
export class CartModule {}
