import { type Cents, MAX_TOTAL_CENTS } from '../common/money';

/** What a coupon covers: every line of the cart, or only the lines of the products it is attached to. */
export type CouponScope = 'cart' | 'products';
export const COUPON_SCOPES: readonly CouponScope[] = ['cart', 'products'];

/** What pricing needs of a coupon. */
export interface CouponTerms {
  multiplierBp: number;
  flatoffCents: Cents;
  uptoCents: Cents;
  /** `cart`: every line (product links play no part); `products`: the lines of `productIds` only, so none covers nothing. */
  appliesTo: CouponScope;
  productIds: number[];
}

export interface PricedLine {
  pid: number;
  /** price x quantity; at most 10^14, so exact. */
  lineCents: Cents;
  /** Only ok lines are sold, so only they count towards totals and discounts. */
  ok: boolean;
}

export interface CartPricing {
  subtotalCents: Cents;
  discountCents: Cents;
  totalCents: Cents;
  /** Discount per covered ok line (absent: 0); adds up to discountCents exactly. */
  lineDiscounts: Map<number, Cents>;
  /**
   * The subtotal is above MAX_TOTAL_CENTS: such a cart cannot be checked out, and its totals are
   * only the nearest JSON numbers (exact up to the limit, computed in BigInt whatever the size).
   */
  tooLarge: boolean;
}

/** a / b rounded half up, for a >= 0, b > 0. */
function divRoundHalfUp(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);
/**
 * The exact sum of cents: added as doubles when every value is a non-negative safe integer and the
 * total stays one (then every partial sum was exact too), else in BigInt (which refuses a fraction).
 */
function sumBig(values: Cents[]): bigint {
  let sum = 0;
  for (const v of values) sum = Number.isSafeInteger(v) && v >= 0 ? sum + v : Infinity;
  return sum <= Number.MAX_SAFE_INTEGER ? BigInt(sum) : values.reduce((total, v) => total + BigInt(v), 0n);
}

function discountOn(eligible: bigint, terms: Omit<CouponTerms, 'productIds' | 'appliesTo'>): bigint {
  if (eligible <= 0n) return 0n;
  let discount = divRoundHalfUp(eligible * BigInt(10_000 - terms.multiplierBp), 10_000n) + BigInt(terms.flatoffCents);
  if (terms.uptoCents > 0) discount = minBig(discount, BigInt(terms.uptoCents));
  return minBig(discount, eligible);
}

/**
 * The coupon's discount on E, the total of the lines it covers:
 * min(E, round(E * (1 - multiplier)) + flatoff, upto if upto > 0), rounding half up to the cent.
 */
export function couponDiscount(eligibleCents: Cents, terms: Omit<CouponTerms, 'productIds' | 'appliesTo'>): Cents {
  return Number(discountOn(BigInt(eligibleCents), terms));
}

function spread(discount: bigint, lines: { pid: number; lineCents: Cents }[]): Map<number, Cents> {
  const shares = new Map<number, Cents>();
  const total = sumBig(lines.map((l) => l.lineCents));
  if (discount <= 0n || total <= 0n) return shares;
  const parts = lines.map((l) => {
    const exact = discount * BigInt(l.lineCents);
    return { pid: l.pid, floor: exact / total, remainder: exact % total };
  });
  let left = discount - parts.reduce((sum, p) => sum + p.floor, 0n);
  const byRemainder = [...parts].sort((a, b) => (a.remainder === b.remainder ? a.pid - b.pid : a.remainder > b.remainder ? -1 : 1));
  for (const p of byRemainder) {
    if (left <= 0n) break;
    p.floor += 1n;
    left -= 1n;
  }
  for (const p of parts) shares.set(p.pid, Number(p.floor));
  return shares;
}

/**
 * Spreads `discount` over the lines in proportion to their totals by the largest remainder method:
 * each line gets its floor share, and the cents left go to the largest remainders (ties: lower pid).
 */
export function spreadDiscount(discount: Cents, lines: { pid: number; lineCents: Cents }[]): Map<number, Cents> {
  return spread(BigInt(discount), lines);
}

/** Whether the coupon covers this product's line. */
function coversProduct(coupon: Pick<CouponTerms, 'appliesTo' | 'productIds'>): (pid: number) => boolean {
  if (coupon.appliesTo === 'cart') return () => true;
  const ids = new Set(coupon.productIds);
  return (pid) => ids.has(pid);
}

/**
 * Subtotal over ok lines, the coupon's discount on the ok lines it covers, and its spread. Sums in
 * BigInt, so the cents are exact at any size; `tooLarge` says the subtotal passed MAX_TOTAL_CENTS.
 */
export function priceCart(lines: PricedLine[], coupon: CouponTerms | null): CartPricing {
  const ok = lines.filter((l) => l.ok);
  const subtotal = sumBig(ok.map((l) => l.lineCents));
  const tooLarge = subtotal > BigInt(MAX_TOTAL_CENTS);
  if (!coupon) return { subtotalCents: Number(subtotal), discountCents: 0, totalCents: Number(subtotal), lineDiscounts: new Map(), tooLarge };
  const covers = coversProduct(coupon);
  const covered = ok.filter((l) => covers(l.pid));
  const discount = discountOn(sumBig(covered.map((l) => l.lineCents)), coupon);
  return {
    subtotalCents: Number(subtotal),
    discountCents: Number(discount),
    totalCents: Number(subtotal - discount),
    lineDiscounts: spread(discount, covered),
    tooLarge,
  };
}
