import type { Cents } from '../common/money';

/** One line of a stored cart: a product id and how many units the shopper wants. */
export interface CartLine {
  pid: number;
  quantity: number;
  /**
   * The unit price the buyer last saw for this line (set when the line is created, updated by each
   * view after it reports a change); absent for a line stored before prices were remembered.
   */
  seenPriceCents?: Cents;
}

/** A unit price shown to the buyer for a line. */
export interface SeenPrice {
  pid: number;
  priceCents: Cents;
}

/**
 * The outcome of a line change, decided atomically against the stock and price the caller passed in:
 * - `ok`: the line now holds `quantity` units (0: removed);
 * - `insufficient_stock`: the change would exceed the stock; the line still holds `quantity`;
 * - `cart_full`: a new line would exceed MAX_CART_LINES; nothing changed;
 * - `too_large`: the line would grow and take the cart's value (this line at the price passed in,
 *   the others at their seen price) above MAX_TOTAL_CENTS; nothing changed.
 * `cart` is the whole cart right after the change (read in the same atomic step), so the caller
 * can answer with a view without reading it again.
 */
export type LineChange = { outcome: 'ok' | 'insufficient_stock' | 'cart_full' | 'too_large'; quantity: number; cart: StoredCart };

/** A stored cart: its lines and the code of the coupon applied to it, if any. */
export interface StoredCart {
  lines: CartLine[];
  couponCode: string | null;
}

/** Most distinct products one cart may hold. */
export const MAX_CART_LINES = 500;

/**
 * Where carts live, keyed by session id. Also the DI token: exactly one provider picks the
 * implementation (Redis when REDIS_URL is set, else in-process). Every write refreshes the cart's TTL.
 * Both implementations pass test/contracts/cart-repository.contract.ts.
 */
export abstract class CartRepository {
  /** The cart's lines (in no particular order) and coupon, in one read; an unknown sid is an empty cart. */
  abstract getCart(sid: string): Promise<StoredCart>;

  /**
   * Adds `by` units to a line (creating it), unless the result would exceed `stock` (or the limits,
   * see LineChange). `priceCents` is the unit price the caller saw: a new line (or one with no seen
   * price) remembers it, in the same atomic step; an existing line keeps the price it was last shown at.
   */
  abstract incrementLine(sid: string, pid: number, by: number, stock: number, priceCents: Cents): Promise<LineChange>;

  /** Sets a line to `quantity` units (0 removes it), unless that exceeds `stock`; `priceCents` as for incrementLine. */
  abstract setLine(sid: string, pid: number, quantity: number, stock: number, priceCents: Cents): Promise<LineChange>;

  /** Records the unit prices a view showed, on the lines that still exist (others are ignored, never created). */
  abstract recordSeenPrices(sid: string, prices: SeenPrice[]): Promise<void>;

  /** Removes these lines; absent ones are ignored. Resolves with how many lines were removed. */
  abstract removeLines(sid: string, pids: number[]): Promise<number>;

  /** Applies a coupon to the cart, replacing any other. */
  abstract setCoupon(sid: string, code: string): Promise<void>;

  /** Takes the coupon off the cart. */
  abstract removeCoupon(sid: string): Promise<void>;

  /** Empties the cart, coupon included. */
  abstract clear(sid: string): Promise<void>;
}
