/** One line of a stored cart: a product id and how many units the shopper wants. */
export interface CartLine {
  pid: number;
  quantity: number;
}

/**
 * The outcome of a line change, decided atomically against the stock the caller passed in:
 * - `ok`: the line now holds `quantity` units (0: removed);
 * - `insufficient_stock`: the change would exceed the stock; the line still holds `quantity`;
 * - `cart_full`: a new line would exceed MAX_CART_LINES; nothing changed.
 * `cart` is the whole cart right after the change (read in the same atomic step), so the caller
 * can answer with a view without reading it again.
 */
export type LineChange = { outcome: 'ok' | 'insufficient_stock' | 'cart_full'; quantity: number; cart: StoredCart };

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

  /** Adds `by` units to a line (creating it), unless the result would exceed `stock`. */
  abstract incrementLine(sid: string, pid: number, by: number, stock: number): Promise<LineChange>;

  /** Sets a line to `quantity` units (0 removes it), unless that exceeds `stock`. */
  abstract setLine(sid: string, pid: number, quantity: number, stock: number): Promise<LineChange>;

  /** Removes these lines; absent ones are ignored. Resolves with how many lines were removed. */
  abstract removeLines(sid: string, pids: number[]): Promise<number>;

  /** Applies a coupon to the cart, replacing any other. */
  abstract setCoupon(sid: string, code: string): Promise<void>;

  /** Takes the coupon off the cart. */
  abstract removeCoupon(sid: string): Promise<void>;

  /** Empties the cart, coupon included. */
  abstract clear(sid: string): Promise<void>;
}
