import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Product } from './product.entity';

export type NewProduct = Pick<Product, 'name' | 'priceCents' | 'quantity'>;
export type ProductChanges = Partial<NewProduct>;
/** What a cart view needs of a product. */
export type ProductStock = Pick<Product, 'id' | 'name' | 'priceCents' | 'quantity'>;

/** Product storage (Postgres). */
@Injectable()
export class ProductsRepository {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  findById(id: number): Promise<Product | null> {
    return this.products.findOneBy({ id });
  }

  /**
   * One query for any number of ids; ids that do not exist are simply absent from the result.
   * Plain SQL: this is on every cart request, and needs no entity hydration.
   */
  async findStockByIds(ids: number[]): Promise<ProductStock[]> {
    if (ids.length === 0) return [];
    const rows: { id: number; name: string; price_cents: number; quantity: number }[] = await this.products.query(
      'SELECT id, name, price_cents, quantity FROM product WHERE id = ANY($1::int[])',
      [ids],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, priceCents: r.price_cents, quantity: r.quantity }));
  }

  findPage(limit: number, offset: number): Promise<[Product[], number]> {
    return this.products.findAndCount({ order: { id: 'ASC' }, take: limit, skip: offset });
  }

  create(fields: NewProduct): Promise<Product> {
    return this.products.save(this.products.create(fields));
  }

  /** Applies the changes; null when the product does not exist. */
  async update(id: number, changes: ProductChanges): Promise<Product | null> {
    if (Object.keys(changes).length > 0) {
      const result = await this.products.update({ id }, changes);
      if (!result.affected) return null;
    }
    return this.findById(id);
  }

  /** Deletes it and returns what it was; null when it did not exist. */
  async delete(id: number): Promise<Product | null> {
    const product = await this.findById(id);
    if (!product) return null;
    const result = await this.products.delete({ id });
    return result.affected ? product : null;
  }
}
