import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Injectable, Logger } from '@nestjs/common';
import { CartRepository, StoredCart } from '../cart/cart.repository';
import { CartService } from '../cart/cart.service';
import { lineStatus } from '../cart/cart-view';
import { priceCart } from '../coupons/pricing';
import { ProductStockCache } from '../products/product-stock.cache';
import { OrderDto } from './dto/order.dto';
import { CartEmpty, CartNotPurchasable, CheckoutCouponRefused, CheckoutInProgress, IdempotencyKeyReused, UnpurchasableLine } from './orders.errors';
import { IdempotencyKeyTaken, LockedCoupon, NewOrder, OrdersRepository } from './orders.repository';
import { toOrderDto } from './orders.service';
import type { Order } from './order.entity';

/** How long one checkout may hold its cart's lock (it releases it when done), and how long another waits. */
const LOCK_TTL_MS = 15_000;
const LOCK_WAIT_MS = 10_000;

/** sha256 of the cart's lines (sorted) and coupon: what a checkout bought, to tell a replay from a reused key. */
export function cartFingerprint(cart: StoredCart): string {
  const lines = [...cart.lines].sort((a, b) => a.pid - b.pid).map((l) => `${l.pid}:${l.quantity}`);
  return createHash('sha256').update(`${lines.join(',')}|${cart.couponCode ?? ''}`).digest('hex');
}

export interface CheckoutResult {
  order: OrderDto;
  /** True when an earlier checkout with the same Idempotency-Key placed it. */
  replayed: boolean;
}

/**
 * Turns a cart into an order in one Postgres transaction: lock the products in id order, check
 * every line at its current stock, redeem the coupon conditionally, take the stock with a
 * conditional update, insert the order. Any refusal rolls everything back and keeps the cart.
 */
@Injectable()
export class CheckoutService {
  private readonly logger = new Logger('Checkout');

  constructor(
    private readonly carts: CartRepository,
    private readonly cartService: CartService,
    private readonly orders: OrdersRepository,
    private readonly stockCache: ProductStockCache,
  ) {}

  /**
   * One checkout per cart at a time: a second one (a double click, another device of the same user,
   * a retry racing the first) waits for the first to finish and then sees the cart it left: cleared,
   * so `cart_empty`, or, with the same Idempotency-Key, the first one's order.
   */
  async checkout(sid: string, idempotencyKey?: string): Promise<CheckoutResult> {
    const { cartId, userId } = await this.cartService.resolve(sid);
    const { token, cart } = await this.lockAndRead(cartId);
    try {
      return await this.checkoutLocked(sid, cartId, userId, cart, idempotencyKey);
    } finally {
      await this.carts.unlock(cartId, token).catch(() => undefined); // the lock expires by itself anyway
    }
  }

  /**
   * Takes the cart's lock and reads the cart. Both commands go out together (one round trip with
   * auto-pipelining) and Redis runs them in order, so a read that comes with the lock is a read under it.
   */
  private async lockAndRead(cartId: string): Promise<{ token: string; cart: StoredCart }> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      const [token, cart] = await Promise.all([this.carts.lock(cartId, LOCK_TTL_MS), this.carts.getCart(cartId)]);
      if (token) return { token, cart };
      if (Date.now() >= deadline) throw new CheckoutInProgress();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async checkoutLocked(sid: string, cartId: string, userId: number | null, cart: StoredCart, idempotencyKey?: string): Promise<CheckoutResult> {
    const fingerprint = cartFingerprint(cart);
    if (idempotencyKey) {
      const earlier = await this.orders.findByIdempotencyKey(idempotencyKey);
      if (earlier) return this.replay(earlier, sid, cartId, cart, fingerprint);
    }
    if (cart.lines.length === 0) throw new CartEmpty(sid);

    let order: NewOrder;
    try {
      order = await this.orders.transaction((manager) => this.place(manager, sid, userId, cart, fingerprint, idempotencyKey ?? null));
    } catch (err) {
      if (err instanceof CartNotPurchasable) this.stockCache.invalidate(cart.lines.map((l) => l.pid)); // the cart views should show what checkout saw
      if (err instanceof IdempotencyKeyTaken && idempotencyKey) {
        const earlier = await this.orders.findByIdempotencyKey(idempotencyKey);
        if (earlier) return this.replay(earlier, sid, cartId, cart, fingerprint);
      }
      throw err;
    }
    this.stockCache.invalidate(cart.lines.map((l) => l.pid));
    await this.clearPurchased(order.id, cartId, cart);
    return { order: toOrderDto(order), replayed: false };
  }

  private async place(
    manager: EntityManager,
    sid: string,
    userId: number | null,
    cart: StoredCart,
    fingerprint: string,
    idempotencyKey: string | null,
  ): Promise<NewOrder> {
    const lines = [...cart.lines].sort((a, b) => a.pid - b.pid);
    const products = new Map((await this.orders.lockProducts(manager, lines.map((l) => l.pid))).map((p) => [p.id, p]));
    const problems: UnpurchasableLine[] = [];
    for (const line of lines) {
      const product = products.get(line.pid);
      const status = product ? lineStatus(line.quantity, product.quantity) : 'deleted';
      if (status !== 'ok') problems.push({ pid: line.pid, incart: line.quantity, instock: product?.quantity ?? 0, status });
    }
    if (problems.length > 0) throw new CartNotPurchasable(problems);

    const priced = lines.map((line) => {
      const product = products.get(line.pid)!;
      return { line, product, lineCents: product.priceCents * line.quantity };
    });
    const pricedLines = priced.map((p) => ({ pid: p.line.pid, lineCents: p.lineCents, ok: true }));
    // The coupon counts a redemption only when it takes something off this order; one that covers
    // nothing here is left out (same price, no redemption). One that would discount but no longer
    // applies (or is gone) refuses the checkout: never charge a price the buyer did not see.
    let coupon: LockedCoupon | null = null;
    if (cart.couponCode) {
      const locked = await this.orders.lockCoupon(manager, cart.couponCode);
      if (!locked) throw new CheckoutCouponRefused(cart.couponCode);
      if (priceCart(pricedLines, locked).discountCents > 0) {
        if (!(await this.orders.redeemCoupon(manager, locked.id))) throw new CheckoutCouponRefused(locked.code);
        coupon = locked;
      }
    }
    const pricing = priceCart(pricedLines, coupon);
    if (!(await this.orders.takeStock(manager, lines))) {
      // cannot happen while the rows are locked; refuse rather than oversell
      throw new CartNotPurchasable(lines.map((l) => ({ pid: l.pid, incart: l.quantity, instock: products.get(l.pid)!.quantity, status: 'insufficient_stock' })));
    }
    const order: NewOrder = {
      id: randomUUID(),
      sid,
      userId,
      subtotalCents: pricing.subtotalCents,
      discountCents: pricing.discountCents,
      totalCents: pricing.totalCents,
      couponCode: coupon?.code ?? null,
      couponName: coupon?.name ?? null,
      idempotencyKey,
      cartFingerprint: fingerprint,
      createdAt: new Date(),
      lines: priced.map((p) => ({
        productId: p.product.id,
        name: p.product.name,
        priceCents: p.product.priceCents,
        quantity: p.line.quantity,
        lineTotalCents: p.lineCents,
        lineDiscountCents: pricing.lineDiscounts.get(p.product.id) ?? 0,
      })),
    };
    await this.orders.insertOrder(manager, order);
    return order;
  }

  /**
   * The same key again: the same order, as long as it is the same session and cart (or the cart was
   * cleared since). If clearing failed after that order committed, the bought lines are cleared now;
   * a cart filled again afterwards is left alone.
   */
  private async replay(earlier: Order, sid: string, cartId: string, cart: StoredCart, fingerprint: string): Promise<CheckoutResult> {
    const cartGone = cart.lines.length === 0;
    if (earlier.sid !== sid || (!cartGone && fingerprint !== earlier.cartFingerprint)) throw new IdempotencyKeyReused();
    if (!cartGone && !earlier.cartCleared) await this.clearPurchased(earlier.id, cartId, cart);
    return { order: toOrderDto(earlier), replayed: true };
  }

  /**
   * Removes the bought lines (whole lines: units added to them during the checkout go too) and the
   * coupon, then records that on the order. A failure here does not undo the order: a retry with the
   * same Idempotency-Key returns it and clears again.
   */
  private async clearPurchased(orderId: string, cartId: string, cart: StoredCart): Promise<void> {
    try {
      await Promise.all([this.carts.removeLines(cartId, cart.lines.map((l) => l.pid)), cart.couponCode ? this.carts.removeCoupon(cartId) : undefined]);
      await this.orders.markCartCleared(orderId);
    } catch (err) {
      this.logger.error(`order placed but cart ${cartId} not cleared: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
