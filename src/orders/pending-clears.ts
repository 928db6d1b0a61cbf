import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StoredCart } from '../cart/cart.repository';
import { CartService } from '../cart/cart.service';
import { Batched } from '../common/async/batched';
import { ThrottledLog } from '../common/logging/throttled-log';
import type { Order } from './order.entity';
import { OrdersRepository } from './orders.repository';

/** How old this instance's list of carts with pending clears may be when a cart is used. */
const REFRESH_MS = 1000;

/** What an order bought, as the cart lines and coupon to take out of the cart. */
const boughtBy = (order: Order): StoredCart => ({ lines: order.lines.map((l) => ({ pid: l.productId, quantity: l.quantity })), couponCode: order.couponCode });

/**
 * Orders whose bought lines are still in their cart (`cart_cleared = false`): the cart store failed
 * between the order's commit and the clear, or the instance died there. The next checkout of the
 * cart, and the next view or change of it, take those lines out first, once, under the cart's
 * checkout lock.
 *
 * Views cost nothing for this: each instance keeps the set of carts with such orders (usually
 * empty), re-read from Postgres in the background at most once a second while carts are used, and
 * updated at once when its own clear fails. So the instance that placed the order finishes the
 * clear at the cart's very next use, any other instance at its first use a second later. A
 * checkout learns it under the lock, in the statement that looks up its Idempotency-Key.
 *
 * Orders are placed with `cart_cleared = false`, so a crash right after the commit leaves them
 * pending. The marks of clears that worked are batched: checkouts finishing while one mark is being
 * written wait for it and go together in the next UPDATE (one statement and one commit for all of
 * them, not one per order). Each checkout still answers only once its order is marked.
 */
@Injectable()
export class PendingClears implements OnModuleInit {
  private readonly logger = new Logger('PendingClears');
  private readonly log = new ThrottledLog((message) => this.logger.warn(message));
  private carts = new Set<string>();
  /** Remembered since the last read began (that read may not include them). */
  private remembered = new Set<string>();
  private readAt = 0;
  private reading = false;
  /** The marks of clears that worked, batched (see the class comment). */
  private readonly marks = new Batched<string>((ids) => this.orders.markCartsCleared(ids));

  constructor(
    private readonly orders: OrdersRepository,
    private readonly cartService: CartService,
  ) {}

  onModuleInit(): void {
    this.cartService.settlePendingWith((cartId) => this.settle(cartId));
  }

  /** The clear of an order of this cart failed: finish it at the cart's next use. */
  remember(cartId: string): void {
    this.carts.add(cartId);
    this.remembered.add(cartId);
  }

  /** Records that the order's lines left its cart (cart_cleared), in the next batch of marks; resolves once written. */
  markCleared(orderId: string): Promise<void> {
    return this.marks.add(orderId);
  }

  /** Finishes the cart's pending clears, if it has any, unless a checkout holds the cart (it finishes them itself). */
  async settle(cartId: string): Promise<void> {
    this.refresh();
    if (!this.carts.has(cartId)) return;
    await this.orders.transaction(async (manager) => {
      if (await this.orders.tryLockCart(manager, cartId)) await this.finish(manager, cartId);
    });
  }

  /** Under the cart's checkout lock: takes what its uncleared orders bought out of the cart and marks them cleared. */
  async finish(manager: EntityManager, cartId: string): Promise<void> {
    for (const order of await this.orders.findUncleared(manager, cartId)) {
      await this.cartService.removePurchased(cartId, boughtBy(order));
      await this.orders.markCartsCleared([order.id], manager);
      this.logger.log(`order ${order.id}: its lines are now out of cart ${cartId}`);
    }
    this.carts.delete(cartId);
  }

  /** Re-reads the set in the background when it is older than REFRESH_MS; keeps the old one if Postgres fails. */
  private refresh(): void {
    if (this.reading || Date.now() - this.readAt < REFRESH_MS) return;
    this.reading = true;
    this.remembered = new Set();
    void this.orders
      .cartsWithUnclearedOrders()
      .then(
        (ids) => (this.carts = new Set([...ids, ...this.remembered])),
        (err: unknown) => this.log.note('read', `could not read the orders with pending clears: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        this.readAt = Date.now();
        this.reading = false;
      });
  }
}
