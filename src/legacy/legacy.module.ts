import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CartModule } from '../cart/cart.module';
import { ProductsModule } from '../products/products.module';
import { LegacyController } from './legacy.controller';

@Module({ imports: [AccessModule, ProductsModule, CartModule], controllers: [LegacyController] })
export class LegacyModule {}
