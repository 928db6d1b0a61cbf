import type { EntityManager } from 'typeorm';
import { CartService } from '../../src/cart/cart.service';
import { InMemoryCartRepository } from '../../src/cart/in-memory-cart.repository';
import { checkCoupon } from '../../src/coupons/coupon-rules';
import type { CouponLookup, CouponUsageService } from '../../src/coupons/coupon-usage.service';
import type { CouponWithProducts } from '../../src/coupons/coupons.repository';
import { CheckoutService } from '../../src/orders/checkout.service';
import type { Order } from '../../src/orders/order.entity';
import { CartLockTimeout, CartOrders, NewOrder, OrdersRepository } from '../../src/orders/orders.repository';
import { PendingClears } from '../../src/orders/pending-clears';
import type { ProductStockCache } from '../../src/products/product-stock.cache';
import type { ProductStock } from '../../src/products/products.repository';
import type { StockLine, StockService } from '../../src/products/stock.service';

/** Products in memory, serving both the cart routes' cache and the checkout's stock port. */
export class FakeCatalogue {
  readonly products = new Map<number, ProductStock>();

  add(id: number, priceCents: number, quantity: number): ProductStock {
    const p = { id, name: `Product ${id}`, priceCents, quantity };
    this.products.set(id, p);
    return p;
  }

  readonly cache = {
    getMany: (ids: number[]) => Promise.resolve(ids.map((id) => this.products.get(id)).filter((p): p is ProductStock => !!p).map((p) => ({ ...p }))),
    invalidate: jest.fn(),
  } as unknown as ProductStockCache;

  readonly stock = {
    lockForCheckout: (_m: EntityManager, pids: number[]) => this.cache.getMany(pids),
    take: (_m: EntityManager, lines: StockLine[]) => {
      if (lines.some((l) => (this.products.get(l.pid)?.quantity ?? 0) < l.quantity)) return Promise.resolve(false);
      for (const l of lines) this.products.get(l.pid)!.quantity -= l.quantity;
      return Promise.resolve(true);
    },
    changed: jest.fn(),
  } as unknown as StockService;
}

/** Coupons in memory behind the coupon port. */
export class FakeCoupons {
  readonly coupons = new Map<string, CouponWithProducts>();
  private nextId = 1;

  /** A coupon on the whole cart, or on `productIds` when given. */
  add(code: string, terms: Partial<CouponWithProducts> = {}): CouponWithProducts {
    const c: CouponWithProducts = {
      id: this.nextId++, code, name: `Coupon ${code}`, multiplierBp: 10_000, uptoCents: 0, flatoffCents: 0,
      startsAt: null, expiresAt: null, maxRedemptions: null, redemptions: 0, active: true,
      createdAt: new Date(), updatedAt: new Date(), productIds: [], appliesTo: terms.productIds ? 'products' : 'cart', ...terms,
    };
    this.coupons.set(code.toLowerCase(), c);
    return c;
  }

  private lookup(code: string): CouponLookup {
    const coupon = this.coupons.get(code.toLowerCase());
    return coupon ? { coupon, check: checkCoupon(coupon, new Date()) } : { coupon: null, check: { applicable: false, reason: 'deleted' } };
  }

  readonly port = {
    find: (code: string) => Promise.resolve(this.lookup(code)),
    lockForCheckout: (_m: EntityManager, code: string) => Promise.resolve(this.lookup(code)),
    redeem: (_m: EntityManager, id: number) => {
      for (const c of this.coupons.values()) if (c.id === id) c.redemptions += 1;
      return Promise.resolve();
    },
  } as unknown as CouponUsageService;
}

/**
 * Orders in memory; transactions roll back by restoring a snapshot of the orders (the fake
 * catalogue's stock is only taken last, after every refusal, as in the real checkout).
 */
export class FakeOrders {
  orders: Order[] = [];
  /** Set to make the next lockCart wait out its bound. */
  lockHeld = false;

  readonly repo = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      const before = this.orders.map((o) => ({ ...o }));
      try {
        return await work({} as EntityManager);
      } catch (err) {
        this.orders = before;
        throw err;
      }
    },
    checkoutTransaction: <T>(cartId: string, key: string | null, _waitMs: number, work: (m: EntityManager, orders: CartOrders) => Promise<T>): Promise<T> =>
      this.lockHeld
        ? Promise.reject(new CartLockTimeout())
        : this.repo.transaction((m) =>
            work(m, {
              pendingClears: this.orders.some((o) => o.cartId === cartId && !o.cartCleared),
              placedWithKey: (key && this.orders.find((o) => o.cartId === cartId && o.idempotencyKey === key)?.id) ?? null,
            }),
          ),
    tryLockCart: () => Promise.resolve(!this.lockHeld),
    cartsWithUnclearedOrders: () => Promise.resolve([...new Set(this.orders.filter((o) => !o.cartCleared).map((o) => o.cartId))]),
    insertOrder: (_m: EntityManager, o: NewOrder) => {
      const lines = o.lines.map((l, i) => ({ ...l, id: i + 1, orderId: o.id, lineTotalCents: String(l.lineTotalCents), lineDiscountCents: String(l.lineDiscountCents) }));
      this.orders.push({
        ...o, status: 'placed', cartCleared: false, lines,
        subtotalCents: String(o.subtotalCents), discountCents: String(o.discountCents), totalCents: String(o.totalCents),
      } as unknown as Order);
      return Promise.resolve();
    },
    markCartsCleared: (ids: string[]) => {
      for (const o of this.orders) if (ids.includes(o.id)) o.cartCleared = true;
      return Promise.resolve();
    },
    findUncleared: (_m: EntityManager, cartId: string) => Promise.resolve(this.orders.filter((o) => o.cartId === cartId && !o.cartCleared)),
    findById: (id: string) => Promise.resolve(this.orders.find((o) => o.id === id) ?? null),
  } as unknown as OrdersRepository;
}

export interface Services {
  carts: InMemoryCartRepository;
  catalogue: FakeCatalogue;
  coupons: FakeCoupons;
  orders: FakeOrders;
  cartService: CartService;
  pending: PendingClears;
  checkout: CheckoutService;
}

/** The cart and checkout services over in-memory storage: no Postgres, no Redis. */
export function newServices(): Services {
  const carts = new InMemoryCartRepository(3600);
  const catalogue = new FakeCatalogue();
  const coupons = new FakeCoupons();
  const orders = new FakeOrders();
  const cartService = new CartService(carts, catalogue.cache, coupons.port);
  const pending = new PendingClears(orders.repo, cartService);
  pending.onModuleInit();
  const checkout = new CheckoutService(cartService, orders.repo, catalogue.stock, coupons.port, pending);
  return { carts, catalogue, coupons, orders, cartService, pending, checkout };
}
