import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { CartModule } from '../cart/cart.module';
import { CouponsModule } from '../coupons/coupons.module';
import { ProductsModule } from '../products/products.module';
import { CheckoutService } from './checkout.service';
import { Order, OrderLine } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PendingClears } from './pending-clears';

/** Orders: checkout composes the cart, the stock port and the coupon port in one transaction. */
@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderLine]), AccessModule, CartModule, ProductsModule, CouponsModule],
  controllers: [OrdersController],
  providers: [CheckoutService, OrdersService, OrdersRepository, PendingClears],
})
export class OrdersModule {}
