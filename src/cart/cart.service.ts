import { Injectable } from '@nestjs/common';
import { CouponRefusal } from '../coupons/coupon-rules';
import { CouponNotApplicable, CouponNotFound } from '../coupons/coupon.errors';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { SessionStore } from '../auth/session.store';
import { AppConfig } from '../config/app.config';
import { ProductStockCache } from '../products/product-stock.cache';
import { ProductStock } from '../products/products.repository';
import { ProductNotFound } from '../products/products.errors';
import { CartFull, OutOfStock } from './cart.errors';
import { CartRepository, LineChange, StoredCart } from './cart.repository';
import { mergeLines } from './cart-merge';
import { AppliedCoupon, reconcileCart } from './cart-view';
import { CartNoticeDto, CartViewDto } from './dto/cart-view.dto';

function couponDropped(code: string, reason: CouponRefusal | 'deleted'): CartNoticeDto {
  return { code: 'coupon_dropped', message: `Coupon ${code} was removed from the cart: ${reason.replace('_', ' ')}`, coupon: code, reason };
}

/** The cart a logged-in user's sessions share; sids cannot contain ':', so it never clashes with one. */
export const userCartId = (userId: number) => `user:${userId}`;

/** Which cart a session works on: its own, or its user's once it is linked by a login. */
export interface ResolvedCart {
  cartId: string;
  userId: number | null;
}

/** The cart's rules: changes checked against the stock, views reconciled with the catalogue. */
@Injectable()
export class CartService {
  /** A session's link to its user lasts as long as a cart: CART_TTL_SECONDS after its last use. */
  private readonly linkTtlSeconds: number;

  constructor(
    private readonly carts: CartRepository,
    private readonly stock: ProductStockCache,
    private readonly coupons: CouponUsageService,
    private readonly sessions: SessionStore,
    config: AppConfig,
  ) {
    this.linkTtlSeconds = config.cartTtlSeconds;
  }

  async resolve(sid: string): Promise<ResolvedCart> {
    const userId = await this.sessions.userForSession(sid, this.linkTtlSeconds);
    return userId === null ? { cartId: sid, userId } : { cartId: userCartId(userId), userId };
  }

  /**
   * At login: merges the session's anonymous cart into the user's (quantities added, clamped to the
   * stock; the user's coupon wins), then empties the anonymous cart.
   */
  async mergeIntoUser(sid: string, userId: number): Promise<void> {
    const target = userCartId(userId);
    const [anonymous, mine] = await Promise.all([this.carts.getCart(sid), this.carts.getCart(target)]);
    if (anonymous.lines.length === 0 && anonymous.couponCode === null) return;
    const stock = new Map((await this.stock.getMany(anonymous.lines.map((l) => l.pid))).map((p) => [p.id, p.quantity]));
    await Promise.all(mergeLines(mine.lines, anonymous.lines, stock).map((l) => this.carts.setLine(target, l.pid, l.quantity, stock.get(l.pid)!)));
    if (mine.couponCode === null && anonymous.couponCode !== null) await this.carts.setCoupon(target, anonymous.couponCode); // the user's coupon wins
    await this.carts.clear(sid);
  }

  /**
   * One cart read; at most one SQL query for the products (none while cached) and one for the coupon
   * with its links, whatever the cart's size. Drops lines of deleted products, and a coupon that no
   * longer applies (named in `notices`).
   */
  async view(sid: string): Promise<CartViewDto> {
    // read the session link and the anonymous cart together (one round trip with auto-pipelining);
    // a linked session then reads its user's cart
    const [userId, anonymous] = await Promise.all([this.sessions.userForSession(sid, this.linkTtlSeconds), this.carts.getCart(sid)]);
    return userId === null ? this.viewOf(sid, sid, anonymous) : this.viewOf(sid, userCartId(userId));
  }

  /** The view of `cartId` for session `sid`; `cart` when the caller has just read it. */
  private async viewOf(sid: string, cartId: string, known?: StoredCart): Promise<CartViewDto> {
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
    const { view, deleted } = reconcileCart(sid, cart.lines, products, applied);
    view.notices = notices;
    await Promise.all([
      deleted.length > 0 ? this.carts.removeLines(cartId, deleted) : undefined,
      notices.length > 0 ? this.carts.removeCoupon(cartId) : undefined,
    ]);
    return view;
  }

  /** Applies a coupon (replacing any other) if it can be used now; it may cover nothing in the cart yet. */
  async applyCoupon(sid: string, code: string): Promise<CartViewDto> {
    const { coupon, check } = await this.coupons.find(code);
    if (!coupon) throw new CouponNotFound(code);
    if (!check.applicable) throw new CouponNotApplicable(coupon.code, check.reason);
    const { cartId } = await this.resolve(sid);
    await this.carts.setCoupon(cartId, coupon.code);
    return this.viewOf(sid, cartId);
  }

  async removeCoupon(sid: string): Promise<CartViewDto> {
    const { cartId } = await this.resolve(sid);
    await this.carts.removeCoupon(cartId);
    return this.viewOf(sid, cartId);
  }

  /** Adds `quantity` units (the line is created if new); refused when the line would exceed stock. */
  async addItem(sid: string, pid: number, quantity = 1): Promise<CartViewDto> {
    const [product, { cartId }] = await Promise.all([this.requireProduct(pid), this.resolve(sid)]);
    const change = await this.carts.incrementLine(cartId, pid, quantity, product.quantity);
    this.ensureApplied(change, product, (incart) => incart + quantity);
    return this.viewOf(sid, cartId, change.cart);
  }

  /** Sets the line to `quantity` units; 0 removes it. */
  async setItem(sid: string, pid: number, quantity: number): Promise<CartViewDto> {
    if (quantity === 0) return this.removeItem(sid, pid);
    const [product, { cartId }] = await Promise.all([this.requireProduct(pid), this.resolve(sid)]);
    const change = await this.carts.setLine(cartId, pid, quantity, product.quantity);
    this.ensureApplied(change, product, () => quantity);
    return this.viewOf(sid, cartId, change.cart);
  }

  /**
   * Removes the line. A line whose product has left the catalogue can still be removed; a pid that
   * is neither in the cart nor in the catalogue is `product_not_found`.
   */
  async removeItem(sid: string, pid: number): Promise<CartViewDto> {
    const { cartId } = await this.resolve(sid);
    const removed = await this.carts.removeLines(cartId, [pid]);
    if (removed === 0) await this.requireProduct(pid);
    return this.viewOf(sid, cartId);
  }

  async clear(sid: string): Promise<void> {
    await this.carts.clear((await this.resolve(sid)).cartId);
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

  /** Empties a cart whoever owns it (logout of a session). */
  async empty(cartId: string): Promise<void> {
    await this.carts.clear(cartId);
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
  }
}
