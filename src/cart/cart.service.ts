import { Injectable } from '@nestjs/common';
import { checkCoupon, CouponRefusal } from '../coupons/coupon-rules';
import { CouponNotApplicable, CouponNotFound } from '../coupons/coupon.errors';
import { CouponsRepository, CouponWithProducts } from '../coupons/coupons.repository';
import { ProductStock, ProductsRepository } from '../products/products.repository';
import { ProductNotFound } from '../products/products.service';
import { CartFull, OutOfStock } from './cart.errors';
import { CartRepository, LineChange } from './cart.repository';
import { AppliedCoupon, reconcileCart } from './cart-view';
import { CartNoticeDto, CartViewDto } from './dto/cart-view.dto';

function toApplied(c: CouponWithProducts): AppliedCoupon {
  return { code: c.code, name: c.name, multiplierBp: c.multiplierBp, flatoffCents: c.flatoffCents, uptoCents: c.uptoCents, productIds: c.productIds };
}

function couponDropped(code: string, reason: CouponRefusal | 'deleted'): CartNoticeDto {
  return { code: 'coupon_dropped', message: `Coupon ${code} was removed from the cart: ${reason.replace('_', ' ')}`, coupon: code, reason };
}

/** The cart's rules: changes checked against live stock, views reconciled with the catalogue. */
@Injectable()
export class CartService {
  constructor(
    private readonly carts: CartRepository,
    private readonly products: ProductsRepository,
    private readonly coupons: CouponsRepository,
  ) {}

  /**
   * One cart read, one SQL query for the products and one for the coupon with its links, whatever
   * the cart's size. Drops lines of deleted products, and a coupon that no longer applies (noticed).
   */
  async view(sid: string): Promise<CartViewDto> {
    const cart = await this.carts.getCart(sid);
    const [products, coupon] = await Promise.all([
      this.products.findStockByIds(cart.lines.map((l) => l.pid)),
      cart.couponCode ? this.coupons.findByCode(cart.couponCode) : null,
    ]);
    let applied: AppliedCoupon | null = null;
    const notices: CartNoticeDto[] = [];
    if (cart.couponCode) {
      const check = coupon ? checkCoupon(coupon, new Date()) : { applicable: false as const, reason: 'deleted' as const };
      if (check.applicable) applied = toApplied(coupon!);
      else notices.push(couponDropped(cart.couponCode, check.reason));
    }
    const { view, deleted } = reconcileCart(sid, cart.lines, products, applied);
    view.notices = notices;
    await Promise.all([
      deleted.length > 0 ? this.carts.removeLines(sid, deleted) : undefined,
      notices.length > 0 ? this.carts.removeCoupon(sid) : undefined,
    ]);
    return view;
  }

  /** Applies a coupon (replacing any other) if it can be used now; it may cover nothing in the cart yet. */
  async applyCoupon(sid: string, code: string): Promise<CartViewDto> {
    const coupon = await this.coupons.findByCode(code);
    if (!coupon) throw new CouponNotFound(code);
    const check = checkCoupon(coupon, new Date());
    if (!check.applicable) throw new CouponNotApplicable(coupon.code, check.reason);
    await this.carts.setCoupon(sid, coupon.code);
    return this.view(sid);
  }

  async removeCoupon(sid: string): Promise<CartViewDto> {
    await this.carts.removeCoupon(sid);
    return this.view(sid);
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
