import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { CatalogueCacheModule } from './catalogue-cache.module';
import { Product } from './product.entity';
import { ProductsController } from './products.controller';
import { ProductStockCache } from './product-stock.cache';
import { ProductsRepository } from './products.repository';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';

/** The catalogue: admin writes, public reads, the stock cache for cart routes and the stock port for checkout. */
@Module({
  imports: [TypeOrmModule.forFeature([Product]), AccessModule, CatalogueCacheModule],
  controllers: [ProductsController],
  providers: [ProductsService, ProductsRepository, ProductStockCache, StockService],
  exports: [ProductsService, ProductStockCache, StockService],
})
export class ProductsModule {}
