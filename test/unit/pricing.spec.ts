import { checkCoupon, CouponState } from '../../src/coupons/coupon-rules';
import { MAX_TOTAL_CENTS } from '../../src/common/money';
import { couponDiscount, CouponTerms, priceCart, spreadDiscount } from '../../src/coupons/pricing';

/** A whole-cart coupon, or a products coupon when `productIds` is given. */
const terms = (t: Partial<CouponTerms> = {}): CouponTerms => ({ multiplierBp: 10_000, flatoffCents: 0, uptoCents: 0, productIds: [], appliesTo: t.productIds ? 'products' : 'cart', ...t });

describe('couponDiscount: min(E, round(E * (1 - m)) + flatoff, upto if upto > 0)', () => {
  it.each([
    // E, multiplierBp, flatoff, upto, expected
    ['20% of 30.00', 3000, 8000, 0, 0, 600],
    ['no percentage, no flat: nothing', 3000, 10_000, 0, 0, 0],
    ['rounds half up: 15% of 0.10 = 1.5c -> 2c', 10, 8500, 0, 0, 2],
    ['rounds half up: 50% of 0.01 = 0.5c -> 1c', 1, 5000, 0, 0, 1],
    ['rounds down below half: 33.33% of 0.10 = 3.333c -> 3c', 10, 6667, 0, 0, 3],
    ['rounds up above half: 1 - 0.9999 of 99.99 = 0.9999c -> 1c', 9999, 9999, 0, 0, 1],
    ['flat amount adds to the percentage', 10_000, 9000, 500, 0, 1500],
    ['cap limits the sum', 10_000, 5000, 1000, 2000, 2000],
    ['cap 0 means no cap', 10_000, 5000, 1000, 0, 6000],
    ['cap above the discount changes nothing', 10_000, 9000, 0, 5000, 1000],
    ['flatoff larger than E: never more than E', 700, 10_000, 1000, 0, 700],
    ['everything off at multiplier 0.0001 with a flat amount', 1000, 1, 5000, 0, 1000],
    ['nothing eligible: nothing off', 0, 5000, 1000, 0, 0],
  ])('%s', (_case, e, multiplierBp, flatoffCents, uptoCents, expected) => {
    expect(couponDiscount(e, { multiplierBp, flatoffCents, uptoCents })).toBe(expected);
  });

  it('stays exact for carts beyond 2^53 cents x basis points', () => {
    const e = 5_000_000_000_000_000; // 5e16 cents: E * 10000 overflows a double's integer range
    expect(couponDiscount(e, { multiplierBp: 8000, flatoffCents: 0, uptoCents: 0 })).toBe(1_000_000_000_000_000);
  });
});

describe('spreadDiscount: largest remainder', () => {
  it.each([
    ['evenly', 600, [[1, 3000], [2, 3000]], [[1, 300], [2, 300]]],
    ['one cent over three equal lines goes to the lowest pid', 1, [[1, 100], [2, 100], [3, 100]], [[1, 1], [2, 0], [3, 0]]],
    ['two cents over three equal lines', 2, [[1, 100], [2, 100], [3, 100]], [[1, 1], [2, 1], [3, 0]]],
    ['remainders decide, not order', 10, [[1, 1], [2, 2], [3, 6]], [[1, 1], [2, 2], [3, 7]]],
    ['proportional', 100, [[5, 250], [9, 750]], [[5, 25], [9, 75]]],
    ['nothing to spread', 0, [[1, 100]], []],
  ] as [string, number, [number, number][], [number, number][]][])('%s', (_case, discount, lines, expected) => {
    const shares = spreadDiscount(discount, lines.map(([pid, lineCents]) => ({ pid, lineCents })));
    expect([...shares].sort((a, b) => a[0] - b[0])).toEqual(expected);
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBe(discount);
  });

  it('always adds up exactly, whatever the lines', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const lines = Array.from({ length: (seed % 7) + 1 }, (_, i) => ({ pid: i + 1, lineCents: ((seed * 7919 * (i + 3)) % 10_000) + 1 }));
      const total = lines.reduce((s, l) => s + l.lineCents, 0);
      const discount = (seed * 104_729) % (total + 1);
      const shares = spreadDiscount(discount, lines);
      expect([...shares.values()].reduce((a, b) => a + b, 0)).toBe(discount);
      for (const l of lines) expect(shares.get(l.pid)!).toBeLessThanOrEqual(l.lineCents);
    }
  });
});

describe('priceCart', () => {
  const line = (pid: number, lineCents: number, ok = true) => ({ pid, lineCents, ok });

  it("the issue's example: A 10.00 x 3 covered, B 5.00 not covered, multiplier 0.8 -> 35.00, 6.00, 29.00", () => {
    const p = priceCart([line(1, 3000), line(2, 500)], terms({ multiplierBp: 8000, productIds: [1] }));
    expect(p).toEqual({ subtotalCents: 3500, discountCents: 600, totalCents: 2900, lineDiscounts: new Map([[1, 600]]), tooLarge: false });
  });

  it('a cart coupon covers the whole cart', () => {
    const p = priceCart([line(1, 3000), line(2, 500)], terms({ multiplierBp: 8000, appliesTo: 'cart' }));
    expect(p).toMatchObject({ subtotalCents: 3500, discountCents: 700, totalCents: 2800 });
    expect(p.lineDiscounts).toEqual(new Map([[1, 600], [2, 100]]));
  });

  describe('scope', () => {
    const cart = [line(1, 3000), line(2, 500)];
    it.each([
      // appliesTo, productIds, discount, line discounts
      ['cart, no products: every line', 'cart', [], 1750, [[1, 1500], [2, 250]]],
      ['cart ignores product links (the admin API refuses them): every line', 'cart', [2], 1750, [[1, 1500], [2, 250]]],
      ['products, one of them in the cart: that line', 'products', [1], 1500, [[1, 1500]]],
      ['products, both: both lines', 'products', [1, 2], 1750, [[1, 1500], [2, 250]]],
      ['products, none in the cart: nothing', 'products', [99], 0, []],
      ['products with no products (the last one detached or deleted): nothing', 'products', [], 0, []],
    ] as [string, CouponTerms['appliesTo'], number[], number, [number, number][]][])('%s', (_case, appliesTo, productIds, discount, shares) => {
      const p = priceCart(cart, terms({ multiplierBp: 5000, flatoffCents: 0, appliesTo, productIds }));
      expect(p).toMatchObject({ subtotalCents: 3500, discountCents: discount, totalCents: 3500 - discount });
      expect([...p.lineDiscounts].sort((a, b) => a[0] - b[0])).toEqual(shares);
    });

    it('a flat amount on a products coupon with no products takes nothing off', () => {
      expect(priceCart(cart, terms({ flatoffCents: 1000, appliesTo: 'products', productIds: [] })).discountCents).toBe(0);
    });
  });

  it('lines that are not ok are excluded from the subtotal and from what the coupon covers', () => {
    const p = priceCart([line(1, 3000), line(2, 5000, false)], terms({ multiplierBp: 5000 }));
    expect(p).toMatchObject({ subtotalCents: 3000, discountCents: 1500, totalCents: 1500 });
    expect(p.lineDiscounts.has(2)).toBe(false);
  });

  it('a coupon covering nothing in the cart discounts nothing', () => {
    const p = priceCart([line(1, 3000)], terms({ multiplierBp: 5000, flatoffCents: 100, productIds: [99] }));
    expect(p).toEqual({ subtotalCents: 3000, discountCents: 0, totalCents: 3000, lineDiscounts: new Map(), tooLarge: false });
  });

  it('flatoff larger than the covered lines takes only those lines to zero', () => {
    const p = priceCart([line(1, 300), line(2, 1000)], terms({ flatoffCents: 5000, productIds: [1] }));
    expect(p).toMatchObject({ subtotalCents: 1300, discountCents: 300, totalCents: 1000 });
  });

  it('no coupon: total is the subtotal', () => {
    expect(priceCart([line(1, 999), line(2, 1, false)], null)).toEqual({ subtotalCents: 999, discountCents: 0, totalCents: 999, lineDiscounts: new Map(), tooLarge: false });
  });

  describe('size', () => {
    /** The finding: 999,999.99 x 999,999 = 999,998,990,000.01 per line. */
    const bigLine = 99_999_999 * 999_999;

    it('10 of the largest lines: exact to the cent, and within the limit', () => {
      const p = priceCart(Array.from({ length: 10 }, (_, i) => line(i + 1, bigLine)), terms({ multiplierBp: 9999 }));
      expect(p.subtotalCents).toBe(999_998_990_000_010);
      expect(p.tooLarge).toBe(false);
      // 0.01% of it, half up: 99,999,899,000.001 -> 99,999,899,000 cents
      expect(p.discountCents).toBe(99_999_899_000);
      expect(p.totalCents).toBe(999_998_990_000_010 - 99_999_899_000);
      expect([...p.lineDiscounts.values()].reduce((a, b) => a + b, 0)).toBe(p.discountCents);
    });

    it('the limit itself is allowed; one cent more is too large', () => {
      expect(priceCart([line(1, MAX_TOTAL_CENTS)], null).tooLarge).toBe(false);
      expect(priceCart([line(1, MAX_TOTAL_CENTS), line(2, 1)], null).tooLarge).toBe(true);
    });

    it('91 of the largest lines (the finding: a subtotal one cent off) are too large; lines not ok do not count', () => {
      const lines = Array.from({ length: 91 }, (_, i) => line(i + 1, bigLine));
      expect(priceCart(lines, null).tooLarge).toBe(true);
      expect(priceCart(lines.map((l, i) => ({ ...l, ok: i < 10 })), null)).toMatchObject({ subtotalCents: 999_998_990_000_010, tooLarge: false });
    });
  });
});

describe('checkCoupon', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const base: CouponState = { active: true, startsAt: null, expiresAt: null, maxRedemptions: null, redemptions: 0 };
  it.each([
    ['plain', {}, { applicable: true }],
    ['inactive', { active: false }, { applicable: false, reason: 'inactive' }],
    ['starts later', { startsAt: new Date('2026-11-25T12:00:01Z') }, { applicable: false, reason: 'not_started' }],
    ['started exactly now', { startsAt: now }, { applicable: true }],
    ['expires exactly now', { expiresAt: now }, { applicable: false, reason: 'expired' }],
    ['expires later', { expiresAt: new Date('2026-11-25T12:00:01Z') }, { applicable: true }],
    ['used up', { maxRedemptions: 3, redemptions: 3 }, { applicable: false, reason: 'used_up' }],
    ['one redemption left', { maxRedemptions: 3, redemptions: 2 }, { applicable: true }],
    ['unlimited', { maxRedemptions: null, redemptions: 10_000 }, { applicable: true }],
    ['inactive wins over expired', { active: false, expiresAt: new Date('2020-01-01Z') }, { applicable: false, reason: 'inactive' }],
  ] as [string, Partial<CouponState>, unknown][])('%s', (_case, changes, expected) => {
    expect(checkCoupon({ ...base, ...changes }, now)).toEqual(expected);
  });
});
