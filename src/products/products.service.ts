import { Injectable } from '@nestjs/common';
import { fromCents, toCents } from '../common/money';
import { CreateProductDto, ProductDto, ProductPageDto, UpdateProductDto } from './dto/product.dto';
import { Product } from './product.entity';
import { ProductStockCache } from './product-stock.cache';
import { ProductNotFound } from './products.errors';
import { CatalogueProduct, ProductChanges, ProductsRepository } from './products.repository';

export function toProductDto(p: Product | CatalogueProduct): ProductDto {
  return {
    id: p.id,
    name: p.name,
    price: fromCents(p.priceCents),
    quantity: p.quantity,
    createdAt: typeof p.createdAt === 'string' ? p.createdAt : p.createdAt.toISOString(),
    updatedAt: typeof p.updatedAt === 'string' ? p.updatedAt : p.updatedAt.toISOString(),
  };
}

/** The catalogue's rules: admin writes, public reads, prices in and out of cents. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly products: ProductsRepository,
    private readonly stockCache: ProductStockCache,
  ) {}

  /** One product, through the catalogue cache. */
  async get(id: number): Promise<ProductDto> {
    const [product] = await this.stockCache.getMany([id]);
    if (!product) throw new ProductNotFound(id);
    return toProductDto(product);
  }

  async list(limit: number, offset: number): Promise<ProductPageDto> {
    const [items, total] = await this.products.findPage(limit, offset);
    return { items: items.map(toProductDto), total };
  }

  async create(dto: CreateProductDto): Promise<ProductDto> {
    const product = await this.products.create({ name: dto.name, priceCents: toCents(dto.price), quantity: dto.quantity });
    return toProductDto(product);
  }

  async update(id: number, dto: UpdateProductDto): Promise<ProductDto> {
    const changes: ProductChanges = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.price !== undefined) changes.priceCents = toCents(dto.price);
    if (dto.quantity !== undefined) changes.quantity = dto.quantity;
    const product = await this.products.update(id, changes);
    await this.stockCache.invalidate([id]);
    if (!product) throw new ProductNotFound(id);
    return toProductDto(product);
  }

  async delete(id: number): Promise<ProductDto> {
    const product = await this.products.delete(id);
    await this.stockCache.invalidate([id]);
    if (!product) throw new ProductNotFound(id);
    return toProductDto(product);
  }
}
