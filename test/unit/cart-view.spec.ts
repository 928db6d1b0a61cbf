import fastJson from 'fast-json-stringify';
import { CART_VIEW_JSON_SCHEMA } from '../../src/cart/dto/cart-view.schema';
import type { CartLine } from '../../src/cart/cart.repository';
import { reconcileCart } from '../../src/cart/cart-view';
import { lineStatus } from '../../src/products/stock-rules';
import type { ProductStock } from '../../src/products/products.repository';

const product = (id: number, priceCents: number, quantity: number, name = `Product ${id}`): ProductStock =>
  ({ id, name, priceCents, quantity }) as ProductStock;

describe('lineStatus(incart, instock)', () => {
  it.each([
    [1, 0, 'out_of_stock'],
    [5, 0, 'out_of_stock'],
    [1, -1, 'out_of_stock'],
    [3, 2, 'insufficient_stock'],
    [2, 1, 'insufficient_stock'],
    [3, 3, 'ok'],
    [3, 4, 'ok'],
    [1, 1000, 'ok'],
  ])('incart %p, instock %p -> %p', (incart, instock, status) => {
    expect(lineStatus(incart, instock)).toBe(status);
  });
});

describe('reconcileCart', () => {
  it('prices an empty cart at zero', () => {
    expect(reconcileCart('sid-empty', [], [])).toEqual({
      view: { sid: 'sid-empty', items: [], removed: [], coupon: null, notices: [], subtotal: 0, discount: 0, total: 0, itemCount: 0 },
      deleted: [],
      seen: [],
    });
  });

  it('prices ok lines in cents and converts back to exact decimals (19.99 x 3 = 59.97)', () => {
    const { view, deleted } = reconcileCart('s1', [{ pid: 1, quantity: 3 }], [product(1, 1999, 10, 'Chair')]);
    expect(deleted).toEqual([]);
    expect(view).toEqual({
      sid: 's1',
      items: [{ pid: 1, name: 'Chair', price: 19.99, incart: 3, instock: 10, status: 'ok', lineTotal: 59.97, lineDiscount: 0 }],
      removed: [],
      coupon: null,
      notices: [],
      subtotal: 59.97,
      discount: 0,
      total: 59.97,
      itemCount: 3,
    });
  });

  it('sums several ok lines without float drift (0.10 x 1 + 0.20 x 1 = 0.30)', () => {
    const { view } = reconcileCart(
      's',
      [{ pid: 1, quantity: 1 }, { pid: 2, quantity: 1 }, { pid: 3, quantity: 3 }],
      [product(1, 10, 5), product(2, 20, 5), product(3, 110, 5)],
    );
    expect(view.items.map((i) => i.lineTotal)).toEqual([0.1, 0.2, 3.3]);
    expect(view.subtotal).toBe(3.6);
    expect(view.total).toBe(3.6);
    expect(view.itemCount).toBe(5);
  });

  describe.each<{ name: string; line: CartLine; stock: ProductStock[]; expectDeleted: number[]; expectItem: object | undefined }>([
    {
      name: 'product deleted',
      line: { pid: 7, quantity: 2 },
      stock: [],
      expectDeleted: [7],
      expectItem: undefined,
    },
    {
      name: 'out of stock (stock 0)',
      line: { pid: 7, quantity: 2 },
      stock: [product(7, 500, 0, 'Lamp')],
      expectDeleted: [],
      expectItem: { pid: 7, name: 'Lamp', price: 5, incart: 2, instock: 0, status: 'out_of_stock', lineTotal: 10, lineDiscount: 0 },
    },
    {
      name: 'stock below cart quantity',
      line: { pid: 7, quantity: 4 },
      stock: [product(7, 1999, 3, 'Lamp')],
      expectDeleted: [],
      expectItem: { pid: 7, name: 'Lamp', price: 19.99, incart: 4, instock: 3, status: 'insufficient_stock', lineTotal: 79.96, lineDiscount: 0 },
    },
  ])('reconciliation case: $name (next to an ok line)', ({ line, stock, expectDeleted, expectItem }) => {
    const okLine: CartLine = { pid: 1, quantity: 2 };
    const okProduct = product(1, 250, 100, 'Cup');
    const { view, deleted } = reconcileCart('sid', [line, okLine], [okProduct, ...stock]);
    const okItem = { pid: 1, name: 'Cup', price: 2.5, incart: 2, instock: 100, status: 'ok', lineTotal: 5, lineDiscount: 0 };

    it('reports deleted product ids', () => {
      expect(deleted).toEqual(expectDeleted);
      expect(view.removed).toEqual(expectDeleted.map((pid) => ({ pid, reason: 'deleted' })));
    });

    it('lists the remaining lines by pid, the problem line with its status and full lineTotal', () => {
      expect(view.items).toEqual(expectItem ? [okItem, expectItem] : [okItem]);
    });

    it('counts only the ok line in subtotal and total', () => {
      expect(view.subtotal).toBe(5);
      expect(view.discount).toBe(0);
      expect(view.total).toBe(5);
    });

    it('counts units of every listed line (not deleted ones) in itemCount', () => {
      expect(view.itemCount).toBe(expectItem ? 2 + line.quantity : 2);
    });
  });

  it('orders items and deleted ids by pid regardless of input order, and does not mutate the input', () => {
    const lines: CartLine[] = [
      { pid: 30, quantity: 1 },
      { pid: 4, quantity: 1 },
      { pid: 12, quantity: 1 },
      { pid: 99, quantity: 1 },
      { pid: 2, quantity: 1 },
      { pid: 50, quantity: 1 },
    ];
    const snapshot = JSON.parse(JSON.stringify(lines));
    const { view, deleted } = reconcileCart('s', lines, [product(12, 100, 5), product(2, 100, 5), product(30, 100, 5), product(4, 100, 5)]);
    expect(view.items.map((i) => i.pid)).toEqual([2, 4, 12, 30]);
    expect(deleted).toEqual([50, 99]);
    expect(view.removed).toEqual([
      { pid: 50, reason: 'deleted' },
      { pid: 99, reason: 'deleted' },
    ]);
    expect(lines).toEqual(snapshot);
  });

  it('sorts numerically, not lexicographically (pid 10 after pid 9)', () => {
    const { view } = reconcileCart('s', [{ pid: 10, quantity: 1 }, { pid: 9, quantity: 1 }], [product(10, 1, 1), product(9, 1, 1)]);
    expect(view.items.map((i) => i.pid)).toEqual([9, 10]);
  });

  it('mixes all cases in one cart', () => {
    const { view, deleted } = reconcileCart(
      'mix',
      [
        { pid: 5, quantity: 3 }, // insufficient: stock 1
        { pid: 3, quantity: 1 }, // deleted
        { pid: 1, quantity: 3 }, // ok 19.99 x 3
        { pid: 4, quantity: 2 }, // out of stock
        { pid: 2, quantity: 1 }, // ok 0.01
      ],
      [product(1, 1999, 3), product(2, 1, 1), product(4, 700, 0), product(5, 1000, 1)],
    );
    expect(deleted).toEqual([3]);
    expect(view.items.map((i) => [i.pid, i.status, i.lineTotal])).toEqual([
      [1, 'ok', 59.97],
      [2, 'ok', 0.01],
      [4, 'out_of_stock', 14],
      [5, 'insufficient_stock', 30],
    ]);
    expect(view.subtotal).toBe(59.98);
    expect(view.total).toBe(59.98);
    expect(view.itemCount).toBe(3 + 1 + 2 + 3);
  });

  it('keeps totals exact at the price and quantity limits', () => {
    const { view } = reconcileCart('s', [{ pid: 1, quantity: 1000 }], [product(1, 99_999_999, 1000)]);
    expect(view.items[0].price).toBe(999_999.99);
    expect(view.items[0].lineTotal).toBe(999_999_990);
    expect(view.total).toBe(999_999_990);
  });

  describe('the price the buyer saw', () => {
    it('names a unit price that moved since it was last seen, once per line, and lists it to remember', () => {
      const { view, seen } = reconcileCart(
        's',
        [
          { pid: 1, quantity: 10, seenPriceCents: 240 }, // 2.40 then, 23.76 now
          { pid: 2, quantity: 1, seenPriceCents: 500 }, // unchanged
          { pid: 3, quantity: 1, seenPriceCents: 900 }, // cheaper now, and out of stock: still named
          { pid: 4, quantity: 1 }, // stored before prices were remembered: remembered, not named
          { pid: 5, quantity: 1, seenPriceCents: 100 }, // deleted: neither
        ],
        [product(1, 2376, 50, 'Chair'), product(2, 500, 5), product(3, 850, 0), product(4, 100, 5)],
      );
      expect(view.notices).toEqual([
        { code: 'price_changed', pid: 1, from: 2.4, to: 23.76, message: 'The price of Chair changed from 2.40 to 23.76 since the cart was last shown' },
        { code: 'price_changed', pid: 3, from: 9, to: 8.5, message: expect.stringContaining('from 9.00 to 8.50') },
      ]);
      expect(seen).toEqual([{ pid: 1, priceCents: 2376 }, { pid: 3, priceCents: 850 }, { pid: 4, priceCents: 100 }]);
      // the view shows the price now: what checkout charges
      expect(view.items.map((i) => i.price)).toEqual([23.76, 5, 8.5, 1]);
      expect(view.total).toBe(237.6 + 5 + 1);
    });

    it('names nothing and remembers nothing when every price is as seen', () => {
      const { view, seen } = reconcileCart('s', [{ pid: 1, quantity: 2, seenPriceCents: 1999 }], [product(1, 1999, 5)]);
      expect([view.notices, seen]).toEqual([[], []]);
    });
  });

  describe('the size limit', () => {
    /** The finding: 999,999.99 x 999,999 per line. */
    const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ pid: i + 1, quantity: 999_999, seenPriceCents: 99_999_999 }));
    const products = (n: number) => Array.from({ length: n }, (_, i) => product(i + 1, 99_999_999, 999_999));

    it('10 of the largest lines: exact to the cent, no notice', () => {
      const { view } = reconcileCart('s', lines(10), products(10));
      expect(view.subtotal).toBe(9_999_989_900_000.1);
      expect(JSON.parse(JSON.stringify(view)).total).toBe(9_999_989_900_000.1);
      expect(view.notices).toEqual([]);
    });

    it('above the limit (only after prices rose: the stores refuse to grow a cart past it): named in notices', () => {
      const { view } = reconcileCart('s', lines(91), products(91));
      expect(view.notices).toEqual([{ code: 'cart_total_too_large', limit: 9_999_999_999_999.99, message: expect.stringContaining('9999999999999.99') }]);
    });
  });
});

describe('CART_VIEW_JSON_SCHEMA (the serializer the cart routes answer with)', () => {
  // fast-json-stringify drops what its schema does not name: the compiled serializer must write
  // every field of every kind of view as JSON.stringify does
  const serialize = fastJson(CART_VIEW_JSON_SCHEMA as object);

  it.each([
    ['an empty cart', reconcileCart('s0', [], []).view],
    [
      'lines of every status, a deleted product, a price change, a coupon',
      reconcileCart(
        's1',
        [
          { pid: 1, quantity: 2, seenPriceCents: 1000 },
          { pid: 2, quantity: 5 },
          { pid: 3, quantity: 1 },
          { pid: 4, quantity: 1 },
        ],
        [product(1, 1250, 10), product(2, 199, 3), product(3, 5, 0)],
        { code: 'TEN', name: 'Ten off', multiplierBp: 10_000, flatoffCents: 1000, uptoCents: 0, appliesTo: 'cart', productIds: [] },
      ).view,
    ],
    ['a subtotal above the limit', reconcileCart('s2', [{ pid: 1, quantity: 1000 }], [product(1, 99999999999999, 1000)]).view],
    ['a coupon dropped by the service', { ...reconcileCart('s3', [], []).view, notices: [{ code: 'coupon_dropped', coupon: 'OLD', reason: 'expired', message: 'Coupon OLD was removed' }] }],
  ])('%s', (_name, view) => {
    expect(JSON.parse(serialize(view))).toEqual(JSON.parse(JSON.stringify(view)));
  });
});
