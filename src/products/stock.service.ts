import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Batched } from '../common/async/batched';
import { ProductStockCache } from './product-stock.cache';
import { ProductStock, ProductsRepository } from './products.repository';

/** A line of a cart, as the stock sees it. */
export interface StockLine {
  pid: number;
  quantity: number;
}

/**
 * The stock port: what other modules may do to product stock, inside their own transaction
 * (checkout). Stock moves only here, under row locks, by a conditional update.
 */
@Injectable()
export class StockService {
  /**
   * Checkouts ending together tell the cache once: the products of those that end while one
   * invalidation runs go together in the next (one DEL, one PUBLISH, one later DEL for all).
   */
  private readonly invalidations = new Batched<number[]>((lists) => this.cache.invalidate([...new Set(lists.flat())]));

  constructor(
    private readonly products: ProductsRepository,
    private readonly cache: ProductStockCache,
  ) {}

  /** Locks the products' rows (id order) for the rest of the caller's transaction; absent ids are missing from the result. */
  lockForCheckout(manager: EntityManager, pids: number[]): Promise<ProductStock[]> {
    return this.products.lockStock(manager, [...pids].sort((a, b) => a - b));
  }

  /** Takes the units; false (nothing taken once the caller rolls back) when a line lacks stock. */
  take(manager: EntityManager, lines: StockLine[]): Promise<boolean> {
    return this.products.takeStock(manager, lines);
  }

  /** Tells the catalogue cache, on every instance, that these products' stock changed; resolves once it has. */
  changed(pids: number[]): Promise<void> {
    return pids.length === 0 ? Promise.resolve() : this.invalidations.add(pids);
  }
}
