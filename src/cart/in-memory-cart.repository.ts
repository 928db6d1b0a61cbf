import { OnModuleDestroy } from '@nestjs/common';
import { type Cents, MAX_TOTAL_CENTS } from '../common/money';
import { CartRepository, LineChange, MAX_CART_LINES, SeenPrice, StoredCart } from './cart.repository';

/** A line: its quantity and the unit price the buyer last saw (kept together, as in the Redis store). */
interface MemoryLine {
  quantity: number;
  seenPriceCents?: Cents;
}

interface MemoryCart {
  lines: Map<number, MemoryLine>;
  couponCode: string | null;
  expiresAt: number;
}

/**
 * Carts in this process's memory, with the same semantics as the Redis store (each change is one
 * synchronous step, so it is atomic on the event loop). For the embedded default: single instance
 * only, carts are lost on restart, and at most `maxCarts` are kept (least recently written go first).
 */
export class InMemoryCartRepository extends CartRepository implements OnModuleDestroy {
  private readonly carts = new Map<string, MemoryCart>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
    /** Memory bound: past it, the least recently written cart is forgotten. */
    private readonly maxCarts = 100_000,
  ) {
    super();
    this.sweeper = setInterval(() => this.sweep(), 60_000).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private live(sid: string): MemoryCart | undefined {
    const cart = this.carts.get(sid);
    if (cart && cart.expiresAt <= this.now()) {
      this.carts.delete(sid);
      return undefined;
    }
    return cart;
  }

  private touch(sid: string, cart: MemoryCart): void {
    this.carts.delete(sid); // re-inserted last: the map's order is least recently written first
    if (cart.lines.size === 0 && cart.couponCode === null) return;
    cart.expiresAt = this.now() + this.ttlSeconds * 1000;
    this.carts.set(sid, cart);
    if (this.carts.size > this.maxCarts) this.carts.delete(this.carts.keys().next().value!);
  }

  private emptyCart(): MemoryCart {
    return { lines: new Map<number, MemoryLine>(), couponCode: null, expiresAt: 0 };
  }

  getCart(sid: string): Promise<StoredCart> {
    return Promise.resolve(this.snapshot(sid));
  }

  private snapshot(sid: string): StoredCart {
    const cart = this.live(sid);
    const lines = cart
      ? [...cart.lines].map(([pid, l]) => (l.seenPriceCents === undefined ? { pid, quantity: l.quantity } : { pid, quantity: l.quantity, seenPriceCents: l.seenPriceCents }))
      : [];
    return { lines, couponCode: cart?.couponCode ?? null };
  }

  incrementLine(sid: string, pid: number, by: number, stock: number, priceCents: Cents): Promise<LineChange> {
    return Promise.resolve(this.change(sid, pid, (cur) => cur + by, stock, priceCents));
  }

  setLine(sid: string, pid: number, quantity: number, stock: number, priceCents: Cents): Promise<LineChange> {
    return Promise.resolve(this.change(sid, pid, () => quantity, stock, priceCents));
  }

  private change(sid: string, pid: number, next: (cur: number) => number, stock: number, priceCents: Cents): LineChange {
    const result = this.apply(sid, pid, next, stock, priceCents);
    return { ...result, cart: this.snapshot(sid) };
  }

  private apply(sid: string, pid: number, next: (cur: number) => number, stock: number, priceCents: Cents): Omit<LineChange, 'cart'> {
    const cart = this.live(sid) ?? this.emptyCart();
    const line = cart.lines.get(pid);
    const cur = line?.quantity ?? 0;
    const want = next(cur);
    if (want <= 0) {
      if (line) {
        cart.lines.delete(pid);
        this.touch(sid, cart);
      }
      return { outcome: 'ok', quantity: 0 };
    }
    if (want > stock) return { outcome: 'insufficient_stock', quantity: cur };
    if (cur === 0 && cart.lines.size >= MAX_CART_LINES) return { outcome: 'cart_full', quantity: cur };
    if (want > cur && InMemoryCartRepository.valueAbove(cart, pid, want * priceCents, MAX_TOTAL_CENTS)) return { outcome: 'too_large', quantity: cur };
    cart.lines.set(pid, { quantity: want, seenPriceCents: line?.seenPriceCents ?? priceCents });
    this.touch(sid, cart);
    return { outcome: 'ok', quantity: want };
  }

  /** Whether `changed` plus the other lines at their seen price passes `max` (stops once it does, as the Lua does). */
  private static valueAbove(cart: MemoryCart, pid: number, changed: Cents, max: Cents): boolean {
    let value = changed;
    for (const [other, l] of cart.lines) {
      if (value > max) break;
      if (other !== pid && l.seenPriceCents !== undefined) value += l.quantity * l.seenPriceCents;
    }
    return value > max;
  }

  recordSeenPrices(sid: string, prices: SeenPrice[]): Promise<void> {
    const cart = this.live(sid);
    let recorded = 0;
    for (const { pid, priceCents } of cart ? prices : []) {
      const line = cart!.lines.get(pid);
      if (!line) continue;
      line.seenPriceCents = priceCents;
      recorded += 1;
    }
    if (recorded > 0) this.touch(sid, cart!);
    return Promise.resolve();
  }

  removeLines(sid: string, pids: number[]): Promise<number> {
    const cart = this.live(sid);
    let removed = 0;
    if (cart) {
      for (const pid of pids) if (cart.lines.delete(pid)) removed += 1;
      this.touch(sid, cart);
    }
    return Promise.resolve(removed);
  }

  setCoupon(sid: string, code: string): Promise<void> {
    const cart = this.live(sid) ?? this.emptyCart();
    cart.couponCode = code;
    this.touch(sid, cart);
    return Promise.resolve();
  }

  removeCoupon(sid: string): Promise<void> {
    const cart = this.live(sid);
    if (cart) {
      cart.couponCode = null;
      this.touch(sid, cart);
    }
    return Promise.resolve();
  }

  clear(sid: string): Promise<void> {
    this.carts.delete(sid);
    return Promise.resolve();
  }

  private sweep(): void {
    const now = this.now();
    for (const [sid, cart] of this.carts) if (cart.expiresAt <= now) this.carts.delete(sid);
  }
}
