import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { affectedRows } from '../database/pg-errors';
import { Product } from './product.entity';

export type NewProduct = Pick<Product, 'name' | 'priceCents' | 'quantity'>;
export type ProductChanges = Partial<NewProduct>;
/** What carts and checkout need of a product. */
export type ProductStock = Pick<Product, 'id' | 'name' | 'priceCents' | 'quantity'>;
/** A product as the catalogue cache holds it: what carts need, and its timestamps (ISO 8601) for the public route. */
export type CatalogueProduct = ProductStock & { createdAt: string; updatedAt: string };

interface StockRow {
  id: number;
  name: string;
  price_cents: number;
  quantity: number;
}

const toProductStock = (r: StockRow): ProductStock => ({ id: r.id, name: r.name, priceCents: r.price_cents, quantity: r.quantity });

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
  async findStockByIds(ids: number[]): Promise<CatalogueProduct[]> {
    if (ids.length === 0) return [];
    const rows: (StockRow & { created_at: Date; updated_at: Date })[] = await this.products.query(
      'SELECT id, name, price_cents, quantity, created_at, updated_at FROM product WHERE id = ANY($1::int[])',
      [ids],
    );
    return rows.map((r) => ({ ...toProductStock(r), createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() }));
  }

  /** Locks these products' rows in id order (so concurrent checkouts never deadlock) until the transaction ends. */
  async lockStock(manager: EntityManager, ids: number[]): Promise<ProductStock[]> {
    const rows: StockRow[] = await manager.query('SELECT id, name, price_cents, quantity FROM product WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE', [ids]);
    return rows.map(toProductStock);
  }

  /** Takes the units with one conditional update; true only when every line had enough. */
  async takeStock(manager: EntityManager, lines: { pid: number; quantity: number }[]): Promise<boolean> {
    const affected = await affectedRows(
      manager,
      `UPDATE product p SET quantity = p.quantity - t.quantity, updated_at = now()
         FROM unnest($1::int[], $2::int[]) AS t(id, quantity)
        WHERE p.id = t.id AND p.quantity >= t.quantity`,
      [lines.map((l) => l.pid), lines.map((l) => l.quantity)],
    );
    return affected === lines.length;
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
