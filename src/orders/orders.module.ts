import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CartModule } from '../cart/cart.module';
import { CheckoutService } from './checkout.service';
import { Order, OrderLine } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderLine]), CartModule],
  controllers: [OrdersController],
  providers: [CheckoutService, OrdersService, OrdersRepository],
})
export class OrdersModule {}
