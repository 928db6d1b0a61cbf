import { Injectable } from '@nestjs/common';
import { CouponRefusal } from '../coupons/coupon-rules';
import { CouponNotApplicable, CouponNotFound } from '../coupons/coupon.errors';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { ProductStockCache } from '../products/product-stock.cache';
import { ProductStock } from '../products/products.repository';
import { ProductNotFound } from '../products/products.errors';
import { CartFull, CartTotalTooLarge, OutOfStock } from './cart.errors';
import { CartRef, cartRef, userCartId } from './cart-ref';
import { CartRepository, LineChange, StoredCart } from './cart.repository';
import { mergeLines } from './cart-merge';
import { AppliedCoupon, reconcileCart } from './cart-view';
import { CartNoticeDto, CartViewDto } from './dto/cart-view.dto';

function couponDropped(code: string, reason: CouponRefusal | 'deleted'): CartNoticeDto {
  return { code: 'coupon_dropped', message: `Coupon ${code} was removed from the cart: ${reason.replace('_', ' ')}`, coupon: code, reason };
}

/**
 * Finishes what a checkout left undone in a cart (its clear failed after the order's commit, or its
 * instance died): takes the bought lines out, once. Implemented by the orders module, which sits
 * above carts and sets it at start-up (orders/pending-clears.ts).
 */
export type SettlePending = (cartId: string) => Promise<void>;

/** The cart's rules: changes checked against the stock, views reconciled with the catalogue. */
@Injectable()
export class CartService {
  private settlePending: SettlePending = () => Promise.resolve();

  constructor(
    private readonly carts: CartRepository,
    private readonly stock: ProductStockCache,
    private readonly coupons: CouponUsageService,
  ) {}

  /** Every view and change of a cart first runs `settle` on it (see SettlePending). */
  settlePendingWith(settle: SettlePending): void {
    this.settlePending = settle;
  }

  /**
   * After a login, asked for by the client that holds the anonymous cart `sid`: merges it into the
   * user's cart (quantities added, clamped to the stock, never lowering the user's line; the user's
   * coupon wins), then empties it. Repeating it finds an empty cart and changes nothing. Answers
   * with the view of the user's cart.
   */
  async mergeIntoUser(sid: string, userId: number): Promise<CartViewDto> {
    const target = userCartId(userId);
    await Promise.all([this.settlePending(sid), this.settlePending(target)]);
    const [anonymous, mine] = await Promise.all([this.carts.getCart(sid), this.carts.getCart(target)]);
    if (anonymous.lines.length > 0 || anonymous.couponCode !== null) await this.merge(sid, target, anonymous, mine);
    return this.viewOf(cartRef(sid, userId));
  }

  private async merge(sid: string, target: string, anonymous: StoredCart, mine: StoredCart): Promise<void> {
    const products = new Map((await this.stock.getMany(anonymous.lines.map((l) => l.pid))).map((p) => [p.id, p]));
    const stock = new Map([...products].map(([pid, p]) => [pid, p.quantity]));
    // a line new to the user's cart keeps the price the buyer saw in the anonymous one
    const seen = new Map(anonymous.lines.map((l) => [l.pid, l.seenPriceCents ?? products.get(l.pid)?.priceCents ?? 0]));
    await Promise.all(mergeLines(mine.lines, anonymous.lines, stock).map((l) => this.carts.setLine(target, l.pid, l.quantity, stock.get(l.pid)!, seen.get(l.pid)!)));
    if (mine.couponCode === null && anonymous.couponCode !== null) await this.carts.setCoupon(target, anonymous.couponCode); // the user's coupon wins
    await this.carts.clear(sid);
  }

  /**
   * One cart read; at most one SQL query for the products (none while cached) and one for the coupon
   * with its links, whatever the cart's size. Drops lines of deleted products, and a coupon that no
   * longer applies (named in `notices`); names each unit price that moved since the buyer last saw
   * it, and remembers the prices shown.
   */
  async view(ref: CartRef): Promise<CartViewDto> {
    await this.settlePending(ref.cartId);
    return this.viewOf(ref);
  }

  /** The view of the cart; `known` when the caller has just read it. */
  private async viewOf({ sid, cartId }: CartRef, known?: StoredCart): Promise<CartViewDto> {
    const cart = known ?? (await this.carts.getCart(cartId));
    const [products, found] = await Promise.all([
      this.stock.getMany(cart.lines.map((l) => l.pid)),
      cart.couponCode ? this.coupons.find(cart.couponCode) : null,
    ]);
    let applied: AppliedCoupon | null = null;
    const notices: CartNoticeDto[] = [];
    if (cart.couponCode && found) {
      if (found.check.applicable) applied = found.coupon;
      else notices.push(couponDropped(cart.couponCode, found.check.reason));
    }
    const { view, deleted, seen } = reconcileCart(sid, cart.lines, products, applied);
    await Promise.all([
      deleted.length > 0 ? this.carts.removeLines(cartId, deleted) : undefined,
      notices.length > 0 ? this.carts.removeCoupon(cartId) : undefined,
      seen.length > 0 ? this.carts.recordSeenPrices(cartId, seen) : undefined,
    ]);
    view.notices = [...notices, ...view.notices];
    return view;
  }

  /** Applies a coupon (replacing any other) if it can be used now; it may cover nothing in the cart yet. */
  async applyCoupon(ref: CartRef, code: string): Promise<CartViewDto> {
    const [{ coupon, check }] = await Promise.all([this.coupons.find(code), this.settlePending(ref.cartId)]);
    if (!coupon) throw new CouponNotFound(code);
    if (!check.applicable) throw new CouponNotApplicable(coupon.code, check.reason);
    await this.carts.setCoupon(ref.cartId, coupon.code);
    return this.viewOf(ref);
  }

  async removeCoupon(ref: CartRef): Promise<CartViewDto> {
    await this.settlePending(ref.cartId);
    await this.carts.removeCoupon(ref.cartId);
    return this.viewOf(ref);
  }

  /** Adds `quantity` units (the line is created if new); refused when the line would exceed stock. */
  async addItem(ref: CartRef, pid: number, quantity = 1): Promise<CartViewDto> {
    const [product] = await Promise.all([this.requireProduct(pid), this.settlePending(ref.cartId)]);
    const change = await this.carts.incrementLine(ref.cartId, pid, quantity, product.quantity, product.priceCents);
    this.ensureApplied(change, product, (incart) => incart + quantity);
    return this.viewOf(ref, change.cart);
  }

  /** Sets the line to `quantity` units; 0 removes it. */
  async setItem(ref: CartRef, pid: number, quantity: number): Promise<CartViewDto> {
    if (quantity === 0) return this.removeItem(ref, pid);
    const [product] = await Promise.all([this.requireProduct(pid), this.settlePending(ref.cartId)]);
    const change = await this.carts.setLine(ref.cartId, pid, quantity, product.quantity, product.priceCents);
    this.ensureApplied(change, product, () => quantity);
    return this.viewOf(ref, change.cart);
  }

  /**
   * Removes the line. A line whose product has left the catalogue can still be removed; a pid that
   * is neither in the cart nor in the catalogue is `product_not_found`.
   */
  async removeItem(ref: CartRef, pid: number): Promise<CartViewDto> {
    await this.settlePending(ref.cartId);
    const removed = await this.carts.removeLines(ref.cartId, [pid]);
    if (removed === 0) await this.requireProduct(pid);
    return this.viewOf(ref);
  }

  async clear(ref: CartRef): Promise<void> {
    await this.carts.clear(ref.cartId);
  }

  /**
   * The view of a cart as the caller read it, with nothing written (no line dropped, no price
   * remembered, so the next view still names what moved): what a refused checkout shows.
   */
  preview(sid: string, cart: StoredCart, products: ProductStock[], coupon: AppliedCoupon | null): CartViewDto {
    return reconcileCart(sid, cart.lines, products, coupon).view;
  }

  /** The stored cart as it is (checkout reads it under its lock). */
  contents(cartId: string): Promise<StoredCart> {
    return this.carts.getCart(cartId);
  }

  /**
   * After a checkout: removes the bought lines (whole lines: units added to them meanwhile go too)
   * and the coupon; lines added during the checkout stay.
   */
  async removePurchased(cartId: string, bought: StoredCart): Promise<void> {
    await Promise.all([this.carts.removeLines(cartId, bought.lines.map((l) => l.pid)), bought.couponCode ? this.carts.removeCoupon(cartId) : undefined]);
  }

  private async requireProduct(pid: number): Promise<ProductStock> {
    const [product] = await this.stock.getMany([pid]);
    if (!product) throw new ProductNotFound(pid);
    return product;
  }

  private ensureApplied(change: LineChange, product: ProductStock, requested: (incart: number) => number): void {
    if (change.outcome === 'insufficient_stock') {
      throw new OutOfStock(product.id, product.quantity, change.quantity, requested(change.quantity));
    }
    if (change.outcome === 'cart_full') throw new CartFull();
    if (change.outcome === 'too_large') throw new CartTotalTooLarge(product.id);
  }
}
