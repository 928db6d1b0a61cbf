import { CartLine, CartRepository, MAX_CART_LINES, StoredCart } from '../../src/cart/cart.repository';
import { MAX_TOTAL_CENTS } from '../../src/common/money';

export interface CartRepositoryHarness {
  /** A fresh repository whose carts expire after `ttlSeconds`. */
  create(ttlSeconds: number): Promise<CartRepository>;
  /** Releases what `create` opened. */
  destroy(): Promise<void>;
  /** Lets `ms` pass for the repositories' clock: a fake clock moves on at once, a real store is waited for. */
  elapse(ms: number): Promise<void>;
}

/** The lines' quantities by pid (prices left out: the tests about them say so). */
const sorted = (lines: CartLine[]) => lines.map(({ pid, quantity }) => ({ pid, quantity })).sort((a, b) => a.pid - b.pid);
/** A cart without its lines' prices. */
const plain = (cart: StoredCart) => ({ ...cart, lines: sorted(cart.lines) });
/** A unit price for the tests that are not about prices. */
const PRICE = 100;
let n = 0;
const newSid = () => `contract-${process.pid}-${Date.now()}-${++n}`;

/** The behaviour every CartRepository must have; run by the in-memory and the Redis specs. */
export function cartRepositoryContract(name: string, harness: CartRepositoryHarness): void {
  describe(`CartRepository contract: ${name}`, () => {
    let repo: CartRepository;
    let sid: string;

    beforeAll(async () => {
      repo = await harness.create(3600);
    });
    afterAll(() => harness.destroy());
    beforeEach(() => {
      sid = newSid();
    });

    it('treats an unknown sid as an empty cart', async () => {
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([]);
    });

    it('creates a line on increment and adds to it', async () => {
      expect(await repo.incrementLine(sid, 1, 1, 10, PRICE)).toMatchObject({ outcome: 'ok', quantity: 1 });
      expect(await repo.incrementLine(sid, 1, 2, 10, PRICE)).toMatchObject({ outcome: 'ok', quantity: 3 });
      expect(await repo.incrementLine(sid, 2, 1, 10, PRICE)).toMatchObject({ outcome: 'ok', quantity: 1 });
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 1, quantity: 3 }, { pid: 2, quantity: 1 }]);
    });

    it('answers every change with the cart a read right after it finds, prices included', async () => {
      await repo.setCoupon(sid, 'C1');
      const byPid = (cart: StoredCart) => ({ ...cart, lines: [...cart.lines].sort((a, b) => a.pid - b.pid) });
      // new lines, lines grown, set lower, set higher, removed, and a cart past 128 fields (another hash encoding in Redis)
      const steps: [string, number, number][] = [['inc', 1, 2], ['inc', 2, 1], ['inc', 1, 1], ['set', 2, 5], ['set', 1, 1], ['set', 2, 0], ['inc', 3, 4]];
      for (let pid = 10; pid < 150; pid++) steps.push(['inc', pid, 1]);
      steps.push(['set', 3, 9], ['inc', 149, 2], ['set', 10, 0]);
      for (const [mode, pid, n] of steps) {
        const change = mode === 'inc' ? await repo.incrementLine(sid, pid, n, 1000, PRICE + pid) : await repo.setLine(sid, pid, n, 1000, PRICE + pid);
        expect(change.outcome).toBe('ok');
        expect(byPid(change.cart)).toEqual(byPid(await repo.getCart(sid)));
      }
    });

    it('returns the whole cart as it is right after each change, refused ones included', async () => {
      await repo.setCoupon(sid, 'C1');
      const first = await repo.incrementLine(sid, 1, 2, 10, PRICE);
      expect(plain(first.cart)).toEqual({ lines: [{ pid: 1, quantity: 2 }], couponCode: 'C1' });
      const second = await repo.setLine(sid, 2, 3, 10, PRICE);
      expect(plain(second.cart)).toEqual({ lines: [{ pid: 1, quantity: 2 }, { pid: 2, quantity: 3 }], couponCode: 'C1' });
      const refused = await repo.incrementLine(sid, 1, 20, 10, PRICE);
      expect(refused.outcome).toBe('insufficient_stock');
      expect(sorted(refused.cart.lines)).toEqual([{ pid: 1, quantity: 2 }, { pid: 2, quantity: 3 }]);
      const removed = await repo.setLine(sid, 1, 0, 10, PRICE);
      expect(plain(removed.cart)).toEqual({ lines: [{ pid: 2, quantity: 3 }], couponCode: 'C1' });
    });

    it('refuses an increment past the stock and leaves the line unchanged', async () => {
      await repo.incrementLine(sid, 1, 4, 5, PRICE);
      expect(await repo.incrementLine(sid, 1, 2, 5, PRICE)).toMatchObject({ outcome: 'insufficient_stock', quantity: 4 });
      expect(await repo.incrementLine(sid, 2, 1, 0, PRICE)).toMatchObject({ outcome: 'insufficient_stock', quantity: 0 });
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 1, quantity: 4 }]);
    });

    it('sets a quantity within the stock, refuses one above it, and removes at 0', async () => {
      expect(await repo.setLine(sid, 1, 7, 7, PRICE)).toMatchObject({ outcome: 'ok', quantity: 7 });
      expect(await repo.setLine(sid, 1, 8, 7, PRICE)).toMatchObject({ outcome: 'insufficient_stock', quantity: 7 });
      expect(await repo.setLine(sid, 1, 2, 7, PRICE)).toMatchObject({ outcome: 'ok', quantity: 2 });
      expect(await repo.setLine(sid, 1, 0, 7, PRICE)).toMatchObject({ outcome: 'ok', quantity: 0 });
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([]);
    });

    it('lets a line be lowered when the stock fell below it', async () => {
      await repo.setLine(sid, 1, 5, 5, PRICE);
      expect(await repo.setLine(sid, 1, 2, 3, PRICE)).toMatchObject({ outcome: 'ok', quantity: 2 });
    });

    it('removes lines, ignoring absent ones, and clears the cart', async () => {
      await repo.incrementLine(sid, 1, 1, 10, PRICE);
      await repo.incrementLine(sid, 2, 1, 10, PRICE);
      await repo.incrementLine(sid, 3, 1, 10, PRICE);
      expect(await repo.removeLines(sid, [1, 99])).toBe(1);
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 2, quantity: 1 }, { pid: 3, quantity: 1 }]);
      expect(await repo.removeLines(sid, [])).toBe(0);
      expect(await repo.removeLines('never-seen-' + sid, [2])).toBe(0);
      await repo.clear(sid);
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([]);
    });

    it('keeps carts apart', async () => {
      const other = newSid();
      await repo.incrementLine(sid, 1, 1, 10, PRICE);
      await repo.incrementLine(other, 1, 5, 10, PRICE);
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 1, quantity: 1 }]);
      expect(sorted((await repo.getCart(other)).lines)).toEqual([{ pid: 1, quantity: 5 }]);
    });

    it('counts every one of 50 concurrent increments', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => repo.incrementLine(sid, 1, 1, 1000, PRICE)));
      expect(results.every((r) => r.outcome === 'ok')).toBe(true);
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 1, quantity: 50 }]);
    });

    it('never lets 30 concurrent increments pass a stock of 10', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => repo.incrementLine(sid, 1, 1, 10, PRICE)));
      expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(10);
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 1, quantity: 10 }]);
    });

    it(`refuses line ${MAX_CART_LINES + 1} but still changes existing lines`, async () => {
      await Promise.all(Array.from({ length: MAX_CART_LINES }, (_, i) => repo.incrementLine(sid, i + 1, 1, 10, PRICE)));
      expect(await repo.incrementLine(sid, MAX_CART_LINES + 1, 1, 10, PRICE)).toMatchObject({ outcome: 'cart_full', quantity: 0 });
      expect(await repo.incrementLine(sid, 1, 1, 10, PRICE)).toMatchObject({ outcome: 'ok', quantity: 2 });
      expect((await repo.getCart(sid)).lines).toHaveLength(MAX_CART_LINES);
    });

    it('keeps one coupon per cart beside the lines, replaces it, removes it, and clears it with the cart', async () => {
      expect(plain(await repo.getCart(sid))).toEqual({ lines: [], couponCode: null });
      await repo.setCoupon(sid, 'FLAT20');
      expect(plain(await repo.getCart(sid))).toEqual({ lines: [], couponCode: 'FLAT20' });
      await repo.incrementLine(sid, 1, 2, 10, PRICE);
      await repo.setCoupon(sid, 'other');
      expect(plain(await repo.getCart(sid))).toEqual({ lines: [{ pid: 1, quantity: 2 }], couponCode: 'other' });
      await repo.removeCoupon(sid);
      expect(plain(await repo.getCart(sid))).toEqual({ lines: [{ pid: 1, quantity: 2 }], couponCode: null });
      await repo.setCoupon(sid, 'again');
      await repo.setLine(sid, 1, 0, 10, PRICE);
      expect(plain(await repo.getCart(sid))).toEqual({ lines: [], couponCode: 'again' });
      await repo.clear(sid);
      expect(plain(await repo.getCart(sid))).toEqual({ lines: [], couponCode: null });
    });

    it('does not count the coupon as a line against the line limit', async () => {
      await repo.setCoupon(sid, 'C');
      await Promise.all(Array.from({ length: MAX_CART_LINES }, (_, i) => repo.incrementLine(sid, i + 1, 1, 10, PRICE)));
      expect((await repo.getCart(sid)).lines).toHaveLength(MAX_CART_LINES);
      expect(await repo.incrementLine(sid, MAX_CART_LINES + 1, 1, 10, PRICE)).toMatchObject({ outcome: 'cart_full', quantity: 0 });
    });

    describe('the price the buyer saw, kept with each line', () => {
      const prices = async (id = sid) => (await repo.getCart(id)).lines.map((l) => [l.pid, l.quantity, l.seenPriceCents]).sort((a, b) => a[0]! - b[0]!);

      it('a new line remembers the price it was added at; an existing line keeps the price it was last shown at', async () => {
        await repo.incrementLine(sid, 1, 1, 10, 2400);
        await repo.setLine(sid, 2, 2, 10, 500);
        expect(await prices()).toEqual([[1, 1, 2400], [2, 2, 500]]);
        // later changes at a new price leave the seen price alone: the next view reports the change
        expect((await repo.incrementLine(sid, 1, 1, 10, 23_760)).cart.lines.find((l) => l.pid === 1)).toEqual({ pid: 1, quantity: 2, seenPriceCents: 2400 });
        await repo.setLine(sid, 2, 1, 10, 600);
        expect(await prices()).toEqual([[1, 2, 2400], [2, 1, 500]]);
        // a refused change changes nothing
        expect((await repo.incrementLine(sid, 1, 50, 10, 1)).outcome).toBe('insufficient_stock');
        expect(await prices()).toEqual([[1, 2, 2400], [2, 1, 500]]);
      });

      it('records seen prices on the lines that exist, and never creates a line', async () => {
        await repo.incrementLine(sid, 1, 3, 10, 2400);
        await repo.setCoupon(sid, 'C');
        await repo.recordSeenPrices(sid, [{ pid: 1, priceCents: 23_760 }, { pid: 99, priceCents: 5 }]);
        expect(await repo.getCart(sid)).toEqual({ lines: [{ pid: 1, quantity: 3, seenPriceCents: 23_760 }], couponCode: 'C' });
        const unknown = newSid();
        await repo.recordSeenPrices(unknown, [{ pid: 1, priceCents: 100 }]);
        await repo.recordSeenPrices(sid, []);
        expect(await repo.getCart(unknown)).toEqual({ lines: [], couponCode: null });
      });

      it('a removed line takes its price with it: added again, it remembers the new price', async () => {
        await repo.incrementLine(sid, 1, 1, 10, 2400);
        await repo.removeLines(sid, [1]);
        await repo.incrementLine(sid, 1, 1, 10, 2640);
        expect(await prices()).toEqual([[1, 1, 2640]]);
        await repo.setLine(sid, 1, 0, 10, 2640);
        await repo.setLine(sid, 1, 4, 10, 100);
        expect(await prices()).toEqual([[1, 4, 100]]);
        await repo.clear(sid);
        await repo.incrementLine(sid, 1, 1, 10, 7);
        expect(await prices()).toEqual([[1, 1, 7]]);
      });

      it(`prices are not lines: ${MAX_CART_LINES} priced lines and a coupon still take line ${MAX_CART_LINES + 1} as the one too many`, async () => {
        await repo.setCoupon(sid, 'C');
        await Promise.all(Array.from({ length: MAX_CART_LINES }, (_, i) => repo.incrementLine(sid, i + 1, 1, 10, 100 + i)));
        await repo.recordSeenPrices(sid, Array.from({ length: MAX_CART_LINES }, (_, i) => ({ pid: i + 1, priceCents: 200 + i })));
        const cart = await repo.getCart(sid);
        expect(cart.lines).toHaveLength(MAX_CART_LINES);
        expect(cart.lines.every((l) => l.seenPriceCents === 200 + l.pid - 1)).toBe(true);
        expect(await repo.incrementLine(sid, MAX_CART_LINES + 1, 1, 10, 1)).toMatchObject({ outcome: 'cart_full', quantity: 0 });
        expect(await repo.incrementLine(sid, 1, 1, 10, 1)).toMatchObject({ outcome: 'ok', quantity: 2 });
      });
    });

    describe(`the cart's value limit (${MAX_TOTAL_CENTS} cents)`, () => {
      /** The finding: 999,999.99 x 999,999 per line. */
      const PRICE_MAX = 99_999_999;
      const QTY = 999_999;

      it('refuses a line that would take the value above the limit; nothing changes', async () => {
        for (let pid = 1; pid <= 10; pid++) expect((await repo.incrementLine(sid, pid, QTY, QTY, PRICE_MAX)).outcome).toBe('ok');
        const refused = await repo.incrementLine(sid, 11, QTY, QTY, PRICE_MAX);
        expect(refused).toMatchObject({ outcome: 'too_large', quantity: 0 });
        expect(refused.cart.lines).toHaveLength(10);
        expect((await repo.setLine(sid, 11, QTY, QTY, PRICE_MAX)).outcome).toBe('too_large');
        expect((await repo.getCart(sid)).lines).toHaveLength(10);
        // what fits still fits (10 more units of line 11 exactly do, 11 do not)
        expect(await repo.setLine(sid, 11, 10, QTY, PRICE_MAX)).toMatchObject({ outcome: 'ok', quantity: 10 });
        expect(await repo.incrementLine(sid, 11, 1, QTY, PRICE_MAX)).toMatchObject({ outcome: 'too_large', quantity: 10 });
      });

      it('lowering or removing a line is always allowed, even above the limit', async () => {
        await repo.incrementLine(sid, 1, 3, 10, 100);
        await repo.incrementLine(sid, 2, 1, 10, 100);
        await repo.recordSeenPrices(sid, [{ pid: 1, priceCents: MAX_TOTAL_CENTS }]); // the price rose: 3 x the limit now
        expect(await repo.setLine(sid, 1, 2, 10, MAX_TOTAL_CENTS)).toMatchObject({ outcome: 'ok', quantity: 2 });
        expect(await repo.setLine(sid, 2, 0, 10, 100)).toMatchObject({ outcome: 'ok', quantity: 0 });
        expect(await repo.incrementLine(sid, 1, 1, 10, MAX_TOTAL_CENTS)).toMatchObject({ outcome: 'too_large', quantity: 2 });
        expect(await repo.removeLines(sid, [1])).toBe(1);
        expect((await repo.getCart(sid)).lines).toEqual([]);
      });

      it('counts the changed line at the price passed in, the others at their seen price', async () => {
        await repo.incrementLine(sid, 1, 1, 10, 100);
        // line 1 seen at 1.00, now priced at the limit: growing it to 2 units is too large
        expect((await repo.incrementLine(sid, 1, 1, 10, MAX_TOTAL_CENTS)).outcome).toBe('too_large');
        // another line at the limit does not fit beside line 1 at its seen price
        expect((await repo.incrementLine(sid, 2, 1, 10, MAX_TOTAL_CENTS)).outcome).toBe('too_large');
        expect((await repo.incrementLine(sid, 2, 1, 10, MAX_TOTAL_CENTS - 100)).outcome).toBe('ok');
        // once line 1 is seen cheaper, there is room for one more cent
        await repo.recordSeenPrices(sid, [{ pid: 1, priceCents: 99 }]);
        expect((await repo.incrementLine(sid, 3, 1, 10, 1)).outcome).toBe('ok');
        expect((await repo.incrementLine(sid, 4, 1, 10, 1)).outcome).toBe('too_large');
      });
    });

    describe('expiry', () => {
      let shortLived: CartRepository;
      beforeAll(async () => {
        shortLived = await harness.create(2);
      });

      // TTL 2 s; the margins (>= 0.6 s either side) leave room for a slow machine on a real clock
      it('forgets a cart after its TTL, and every write refreshes the TTL', async () => {
        await shortLived.incrementLine(sid, 1, 1, 10, PRICE);
        await harness.elapse(1400);
        await shortLived.incrementLine(sid, 2, 1, 10, PRICE); // refreshes
        await harness.elapse(1400);
        expect(sorted((await shortLived.getCart(sid)).lines)).toHaveLength(2);
        await harness.elapse(1300);
        expect(sorted((await shortLived.getCart(sid)).lines)).toEqual([]);
      });

      it('refreshes the TTL on coupon writes and line removals too', async () => {
        await shortLived.incrementLine(sid, 1, 1, 10, PRICE);
        await shortLived.incrementLine(sid, 2, 1, 10, PRICE);
        await harness.elapse(1400);
        await shortLived.setCoupon(sid, 'C');
        await harness.elapse(1400);
        await shortLived.removeLines(sid, [2]);
        await harness.elapse(1400);
        expect(plain(await shortLived.getCart(sid))).toEqual({ lines: [{ pid: 1, quantity: 1 }], couponCode: 'C' });
      });
    });
  });
}

