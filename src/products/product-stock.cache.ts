import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { ProductStock, ProductsRepository } from './products.repository';

const MAX_ENTRIES = 50_000;

/**
 * A short-lived in-process cache of what carts read of products (stock, name, price), for the cart
 * routes only: entries live PRODUCT_CACHE_TTL_MS (default 1 s) and are dropped at once when this
 * instance changes the product (admin writes, checkouts). Another instance's change shows within the
 * TTL. Checkout never reads it: it locks the rows in Postgres.
 */
@Injectable()
export class ProductStockCache {
  private readonly entries = new Map<number, { product: ProductStock; expiresAt: number }>();
  /** Bumped by every invalidation, so a read that started before it does not store what it read. */
  private generation = 0;
  private readonly ttlMs: number;

  constructor(
    private readonly products: ProductsRepository,
    config: AppConfig,
  ) {
    this.ttlMs = config.productCacheTtlMs;
  }

  /** The products that exist among `ids`: cached ones from memory, the rest in one query. */
  async getMany(ids: number[]): Promise<ProductStock[]> {
    if (this.ttlMs === 0) return this.products.findStockByIds(ids);
    const now = Date.now();
    const found: ProductStock[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry && entry.expiresAt > now) found.push(entry.product);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const generation = this.generation;
      const fetched = await this.products.findStockByIds(missing);
      const storable = generation === this.generation;
      if (storable && this.entries.size + fetched.length > MAX_ENTRIES) this.entries.clear();
      for (const product of fetched) {
        if (storable) this.entries.set(product.id, { product, expiresAt: now + this.ttlMs });
        found.push(product);
      }
    }
    return found;
  }

  invalidate(ids: number[]): void {
    this.generation += 1;
    for (const id of ids) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
