import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Injectable, Logger } from '@nestjs/common';
import type { CartRef } from '../cart/cart-ref';
import type { StoredCart } from '../cart/cart.repository';
import { CartTotalTooLarge } from '../cart/cart.errors';
import { CartService } from '../cart/cart.service';
import type { Cents } from '../common/money';
import { CouponNotApplicable } from '../coupons/coupon.errors';
import { CouponLookup, CouponUsageService } from '../coupons/coupon-usage.service';
import { CouponWithProducts } from '../coupons/coupons.repository';
import { PricedLine, priceCart } from '../coupons/pricing';
import { lineStatus } from '../products/stock-rules';
import { StockService } from '../products/stock.service';
import { OrderDto } from './dto/order.dto';
import { CartEmpty, CartNotPurchasable, CheckoutInProgress, IdempotencyKeyReused, TotalChanged, UnpurchasableLine } from './orders.errors';
import { CartLockTimeout, CartOrders, IdempotencyKeyTaken, NewOrder, OrdersRepository } from './orders.repository';
import { toOrderDto } from './orders.service';
import { PendingClears } from './pending-clears';
import type { Order } from './order.entity';

/**
 * How long a checkout waits for another checkout of the same cart before answering
 * checkout_in_progress; OrdersRepository.checkoutTransaction shortens it to end before the statement timeout.
 */
export const CART_LOCK_WAIT_MS = 10_000;

/** sha256 of the cart's lines (sorted) and coupon: what a checkout bought, to tell a replay from a reused key. */
export function cartFingerprint(cart: StoredCart): string {
  const lines = [...cart.lines].sort((a, b) => a.pid - b.pid).map((l) => `${l.pid}:${l.quantity}`);
  return createHash('sha256').update(`${lines.join(',')}|${cart.couponCode ?? ''}`).digest('hex');
}

export interface CheckoutRequest {
  idempotencyKey?: string;
  /** The total the buyer was shown; a checkout that would charge another refuses (total_changed). */
  expectedTotalCents?: Cents;
}

export interface CheckoutResult {
  order: OrderDto;
  /** True when an earlier checkout with the same Idempotency-Key placed it. */
  replayed: boolean;
}

/** What the locked part of a checkout decided; a placed order's lines leave the cart after the commit. */
type Outcome = { placed: NewOrder; cart: StoredCart } | { replayed: Order };

/**
 * Turns a cart into an order in one Postgres transaction. One checkout per cart at a time: the
 * transaction first takes the cart's advisory lock (released at commit, rollback, or when the
 * holder's connection dies), so a double click, a second device or a retry racing the first waits
 * for it and then sees what it left: the cart's orders with a pending clear and the one placed
 * with this Idempotency-Key are read with the lock. Then: finish those clears, read the cart, lock
 * the products in id order, check every line at its current stock, lock and check the coupon (coupon-rules.ts), price it (within MAX_TOTAL, and at the total the buyer
 * expected when they said), take the stock with a conditional update, insert the order.
 * Any refusal rolls everything back and keeps the cart.
 */
@Injectable()
export class CheckoutService {
  private readonly logger = new Logger('Checkout');

  constructor(
    private readonly carts: CartService,
    private readonly orders: OrdersRepository,
    private readonly stock: StockService,
    private readonly coupons: CouponUsageService,
    private readonly pending: PendingClears,
  ) {}

  async checkout(cart: CartRef, { idempotencyKey, expectedTotalCents }: CheckoutRequest = {}): Promise<CheckoutResult> {
    const { cartId, userId, sid } = cart;
    let outcome: Outcome;
    try {
      const key = idempotencyKey ?? null;
      outcome = await this.orders.checkoutTransaction(cartId, key, CART_LOCK_WAIT_MS, (manager, orders) => this.underLock(manager, orders, sid, cartId, userId, key, expectedTotalCents));
    } catch (err) {
      if (err instanceof CartLockTimeout) throw new CheckoutInProgress();
      // the cart lock serialises requests with one key, so only a checkout outside it could take the key: retry
      if (err instanceof IdempotencyKeyTaken) throw new CheckoutInProgress();
      throw err;
    }
    if ('replayed' in outcome) return { order: toOrderDto(outcome.replayed), replayed: true };
    // independent: the catalogue caches and the cart are told at once
    await Promise.all([this.stock.changed(outcome.cart.lines.map((l) => l.pid)), this.clearBought(outcome.placed.id, cartId, outcome.cart)]);
    return { order: toOrderDto(outcome.placed), replayed: false };
  }

  private async underLock(
    manager: EntityManager,
    { pendingClears, placedWithKey }: CartOrders,
    sid: string,
    cartId: string,
    userId: number | null,
    key: string | null,
    expectedTotalCents: Cents | undefined,
  ): Promise<Outcome> {
    if (pendingClears) await this.pending.finish(manager, cartId);
    const cart = await this.carts.contents(cartId);
    const fingerprint = cartFingerprint(cart);
    const earlier = placedWithKey ? await this.orders.findById(placedWithKey, manager) : null;
    if (earlier) {
      // the same key again: the same order, as long as the cart is the one it bought (or empty since)
      const cartGone = cart.lines.length === 0;
      if (!cartGone && fingerprint !== earlier.cartFingerprint) throw new IdempotencyKeyReused();
      return { replayed: earlier };
    }
    if (cart.lines.length === 0) throw new CartEmpty(sid);
    try {
      return { placed: await this.place(manager, sid, cartId, userId, cart, fingerprint, key, expectedTotalCents), cart };
    } catch (err) {
      if (err instanceof CartNotPurchasable) await this.stock.changed(cart.lines.map((l) => l.pid)); // cart views should show what checkout saw
      throw err;
    }
  }

  private async place(
    manager: EntityManager,
    sid: string,
    cartId: string,
    userId: number | null,
    cart: StoredCart,
    fingerprint: string,
    idempotencyKey: string | null,
    expectedTotalCents: Cents | undefined,
  ): Promise<NewOrder> {
    const lines = [...cart.lines].sort((a, b) => a.pid - b.pid);
    const products = new Map((await this.stock.lockForCheckout(manager, lines.map((l) => l.pid))).map((p) => [p.id, p]));
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
    if (priceCart(pricedLines, null).tooLarge) throw new CartTotalTooLarge();
    const found = cart.couponCode ? await this.coupons.lockForCheckout(manager, cart.couponCode) : null;
    const coupon = found ? this.couponForOrder(cart.couponCode!, found, pricedLines) : null;
    const pricing = priceCart(pricedLines, coupon);
    if (expectedTotalCents !== undefined && expectedTotalCents !== pricing.totalCents) {
      // what the buyer would see now; nothing written, so their next view still names what moved
      const shown = found?.check.applicable ? found.coupon : null;
      throw new TotalChanged(expectedTotalCents, this.carts.preview(sid, cart, [...products.values()], shown));
    }
    if (coupon) await this.coupons.redeem(manager, coupon.id);
    if (!(await this.stock.take(manager, lines))) {
      // cannot happen while the rows are locked; refuse rather than oversell
      throw new CartNotPurchasable(lines.map((l) => ({ pid: l.pid, incart: l.quantity, instock: products.get(l.pid)!.quantity, status: 'insufficient_stock' })));
    }
    const order: NewOrder = {
      id: randomUUID(),
      sid,
      cartId,
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
   * The coupon this order uses (and redeems) only when it takes something off; one that covers
   * nothing here is left out (same price, no redemption). One that would discount but no longer
   * applies (or is gone) refuses the checkout: never charge a price the buyer did not see.
   */
  private couponForOrder(code: string, { coupon, check }: CouponLookup, lines: PricedLine[]): CouponWithProducts | null {
    if (!coupon) throw new CouponNotApplicable(code, 'deleted');
    if (priceCart(lines, coupon).discountCents === 0) return null;
    if (!check.applicable) throw new CouponNotApplicable(coupon.code, check.reason);
    return coupon;
  }

  /**
   * Takes what the order bought out of the cart and records that on the order (batched with other
   * checkouts' marks). A failure here does not undo the order: the cart's next view, change or
   * checkout finishes it (pending-clears.ts).
   */
  private async clearBought(orderId: string, cartId: string, bought: StoredCart): Promise<void> {
    try {
      await this.carts.removePurchased(cartId, bought);
      await this.pending.markCleared(orderId);
    } catch (err) {
      this.pending.remember(cartId);
      this.logger.error(`order ${orderId} placed but cart ${cartId} not cleared yet: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
