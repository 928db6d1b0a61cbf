import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CartModule } from '../cart/cart.module';
import { ProductsModule } from '../products/products.module';
import { CheckoutService } from './checkout.service';
import { Order, OrderLine } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderLine]), CartModule, ProductsModule],
  controllers: [OrdersController],
  providers: [CheckoutService, OrdersService, OrdersRepository],
})
export class OrdersModule {}
