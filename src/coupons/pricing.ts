import type { Cents } from '../common/money';

/** What pricing needs of a coupon. `productIds` empty: the coupon covers the whole cart. */
export interface CouponTerms {
  multiplierBp: number;
  flatoffCents: Cents;
  uptoCents: Cents;
  productIds: number[];
}

export interface PricedLine {
  pid: number;
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
}

/** a / b rounded half up, for a >= 0, b > 0 (BigInt: exact whatever the cart's size). */
function divRoundHalfUp(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}

/**
 * The coupon's discount on E, the total of the lines it covers:
 * min(E, round(E * (1 - multiplier)) + flatoff, upto if upto > 0), rounding half up to the cent.
 */
export function couponDiscount(eligibleCents: Cents, terms: Omit<CouponTerms, 'productIds'>): Cents {
  if (eligibleCents <= 0) return 0;
  const percentOff = Number(divRoundHalfUp(BigInt(eligibleCents) * BigInt(10_000 - terms.multiplierBp), 10_000n));
  let discount = percentOff + terms.flatoffCents;
  if (terms.uptoCents > 0) discount = Math.min(discount, terms.uptoCents);
  return Math.min(discount, eligibleCents);
}

/**
 * Spreads `discount` over the lines in proportion to their totals by the largest remainder method:
 * each line gets its floor share, and the cents left go to the largest remainders (ties: lower pid).
 */
export function spreadDiscount(discount: Cents, lines: { pid: number; lineCents: Cents }[]): Map<number, Cents> {
  const shares = new Map<number, Cents>();
  const total = lines.reduce((sum, l) => sum + l.lineCents, 0);
  if (discount <= 0 || total <= 0) return shares;
  const parts = lines.map((l) => {
    const exact = BigInt(discount) * BigInt(l.lineCents);
    return { pid: l.pid, floor: Number(exact / BigInt(total)), remainder: exact % BigInt(total) };
  });
  let left = discount - parts.reduce((sum, p) => sum + p.floor, 0);
  const byRemainder = [...parts].sort((a, b) => (a.remainder === b.remainder ? a.pid - b.pid : a.remainder > b.remainder ? -1 : 1));
  for (const p of byRemainder) {
    if (left <= 0) break;
    p.floor += 1;
    left -= 1;
  }
  for (const p of parts) shares.set(p.pid, p.floor);
  return shares;
}

/** Subtotal over ok lines, the coupon's discount on the ok lines it covers, and its spread. */
export function priceCart(lines: PricedLine[], coupon: CouponTerms | null): CartPricing {
  const ok = lines.filter((l) => l.ok);
  const subtotalCents = ok.reduce((sum, l) => sum + l.lineCents, 0);
  if (!coupon) return { subtotalCents, discountCents: 0, totalCents: subtotalCents, lineDiscounts: new Map() };
  const covers = coupon.productIds.length === 0 ? () => true : ((ids) => (pid: number) => ids.has(pid))(new Set(coupon.productIds));
  const covered = ok.filter((l) => covers(l.pid));
  const eligible = covered.reduce((sum, l) => sum + l.lineCents, 0);
  const discountCents = couponDiscount(eligible, coupon);
  return { subtotalCents, discountCents, totalCents: subtotalCents - discountCents, lineDiscounts: spreadDiscount(discountCents, covered) };
}
