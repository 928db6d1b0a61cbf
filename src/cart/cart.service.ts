import { Injectable } from '@nestjs/common';
import { ProductStock, ProductsRepository } from '../products/products.repository';
import { ProductNotFound } from '../products/products.service';
import { CartFull, OutOfStock } from './cart.errors';
import { CartRepository, LineChange } from './cart.repository';
import { reconcileCart } from './cart-view';
import { CartViewDto } from './dto/cart-view.dto';

/** The cart's rules: changes checked against live stock, views reconciled with the catalogue. */
@Injectable()
export class CartService {
  constructor(
    private readonly carts: CartRepository,
    private readonly products: ProductsRepository,
  ) {}

  /** One cart read and one SQL query, whatever the cart's size; drops lines of deleted products. */
  async view(sid: string): Promise<CartViewDto> {
    const lines = await this.carts.getLines(sid);
    const products = await this.products.findStockByIds(lines.map((l) => l.pid));
    const { view, deleted } = reconcileCart(sid, lines, products);
    if (deleted.length > 0) await this.carts.removeLines(sid, deleted);
    return view;
  }

  /** Adds `quantity` units (the line is created if new); refused when the line would exceed stock. */
  async addItem(sid: string, pid: number, quantity = 1): Promise<CartViewDto> {
    const product = await this.requireProduct(pid);
    const change = await this.carts.incrementLine(sid, pid, quantity, product.quantity);
    this.ensureApplied(change, product, (incart) => incart + quantity);
    return this.view(sid);
  }

  /** Sets the line to `quantity` units; 0 removes it. */
  async setItem(sid: string, pid: number, quantity: number): Promise<CartViewDto> {
    if (quantity === 0) return this.removeItem(sid, pid);
    const product = await this.requireProduct(pid);
    const change = await this.carts.setLine(sid, pid, quantity, product.quantity);
    this.ensureApplied(change, product, () => quantity);
    return this.view(sid);
  }

  /**
   * Removes the line. A line whose product has left the catalogue can still be removed; a pid that
   * is neither in the cart nor in the catalogue is `product_not_found`.
   */
  async removeItem(sid: string, pid: number): Promise<CartViewDto> {
    const removed = await this.carts.removeLines(sid, [pid]);
    if (removed === 0) await this.requireProduct(pid);
    return this.view(sid);
  }

  async clear(sid: string): Promise<void> {
    await this.carts.clear(sid);
  }

  private async requireProduct(pid: number): Promise<ProductStock> {
    const [product] = await this.products.findStockByIds([pid]);
    if (!product) throw new ProductNotFound(pid);
    return product;
  }

  private ensureApplied(change: LineChange, product: ProductStock, requested: (incart: number) => number): void {
    if (change.outcome === 'insufficient_stock') {
      throw new OutOfStock(product.id, product.quantity, change.quantity, requested(change.quantity));
    }
    if (change.outcome === 'cart_full') throw new CartFull();
  }
}
