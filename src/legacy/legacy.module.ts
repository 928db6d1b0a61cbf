import { Module } from '@nestjs/common';
import { CartModule } from '../cart/cart.module';
import { ProductsModule } from '../products/products.module';
import { LegacyController } from './legacy.controller';

@Module({ imports: [ProductsModule, CartModule], controllers: [LegacyController] })
export class LegacyModule {}
