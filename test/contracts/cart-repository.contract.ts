import { CartRepository, MAX_CART_LINES } from '../../src/cart/cart.repository';

export interface CartRepositoryHarness {
  /** A fresh repository whose carts expire after `ttlSeconds`. */
  create(ttlSeconds: number): Promise<CartRepository>;
  /** Releases what `create` opened. */
  destroy(): Promise<void>;
  /** Lets `ms` pass for the repositories' clock: a fake clock moves on at once, a real store is waited for. */
  elapse(ms: number): Promise<void>;
}

const sorted = (lines: { pid: number; quantity: number }[]) => [...lines].sort((a, b) => a.pid - b.pid);
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
      expect((await repo.getCart(sid)).lines).toEqual([]);
    });

    it('creates a line on increment and adds to it', async () => {
      expect(await repo.incrementLine(sid, 1, 1, 10)).toMatchObject({ outcome: 'ok', quantity: 1 });
      expect(await repo.incrementLine(sid, 1, 2, 10)).toMatchObject({ outcome: 'ok', quantity: 3 });
      expect(await repo.incrementLine(sid, 2, 1, 10)).toMatchObject({ outcome: 'ok', quantity: 1 });
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 1, quantity: 3 }, { pid: 2, quantity: 1 }]);
    });

    it('returns the whole cart as it is right after each change, refused ones included', async () => {
      await repo.setCoupon(sid, 'C1');
      const first = await repo.incrementLine(sid, 1, 2, 10);
      expect(first.cart).toEqual({ lines: [{ pid: 1, quantity: 2 }], couponCode: 'C1' });
      const second = await repo.setLine(sid, 2, 3, 10);
      expect({ ...second.cart, lines: sorted(second.cart.lines) }).toEqual({ lines: [{ pid: 1, quantity: 2 }, { pid: 2, quantity: 3 }], couponCode: 'C1' });
      const refused = await repo.incrementLine(sid, 1, 20, 10);
      expect(refused.outcome).toBe('insufficient_stock');
      expect(sorted(refused.cart.lines)).toEqual([{ pid: 1, quantity: 2 }, { pid: 2, quantity: 3 }]);
      const removed = await repo.setLine(sid, 1, 0, 10);
      expect(removed.cart).toEqual({ lines: [{ pid: 2, quantity: 3 }], couponCode: 'C1' });
    });

    it('refuses an increment past the stock and leaves the line unchanged', async () => {
      await repo.incrementLine(sid, 1, 4, 5);
      expect(await repo.incrementLine(sid, 1, 2, 5)).toMatchObject({ outcome: 'insufficient_stock', quantity: 4 });
      expect(await repo.incrementLine(sid, 2, 1, 0)).toMatchObject({ outcome: 'insufficient_stock', quantity: 0 });
      expect((await repo.getCart(sid)).lines).toEqual([{ pid: 1, quantity: 4 }]);
    });

    it('sets a quantity within the stock, refuses one above it, and removes at 0', async () => {
      expect(await repo.setLine(sid, 1, 7, 7)).toMatchObject({ outcome: 'ok', quantity: 7 });
      expect(await repo.setLine(sid, 1, 8, 7)).toMatchObject({ outcome: 'insufficient_stock', quantity: 7 });
      expect(await repo.setLine(sid, 1, 2, 7)).toMatchObject({ outcome: 'ok', quantity: 2 });
      expect(await repo.setLine(sid, 1, 0, 7)).toMatchObject({ outcome: 'ok', quantity: 0 });
      expect((await repo.getCart(sid)).lines).toEqual([]);
    });

    it('lets a line be lowered when the stock fell below it', async () => {
      await repo.setLine(sid, 1, 5, 5);
      expect(await repo.setLine(sid, 1, 2, 3)).toMatchObject({ outcome: 'ok', quantity: 2 });
    });

    it('removes lines, ignoring absent ones, and clears the cart', async () => {
      await repo.incrementLine(sid, 1, 1, 10);
      await repo.incrementLine(sid, 2, 1, 10);
      await repo.incrementLine(sid, 3, 1, 10);
      expect(await repo.removeLines(sid, [1, 99])).toBe(1);
      expect(sorted((await repo.getCart(sid)).lines)).toEqual([{ pid: 2, quantity: 1 }, { pid: 3, quantity: 1 }]);
      expect(await repo.removeLines(sid, [])).toBe(0);
      expect(await repo.removeLines('never-seen-' + sid, [2])).toBe(0);
      await repo.clear(sid);
      expect((await repo.getCart(sid)).lines).toEqual([]);
    });

    it('keeps carts apart', async () => {
      const other = newSid();
      await repo.incrementLine(sid, 1, 1, 10);
      await repo.incrementLine(other, 1, 5, 10);
      expect((await repo.getCart(sid)).lines).toEqual([{ pid: 1, quantity: 1 }]);
      expect((await repo.getCart(other)).lines).toEqual([{ pid: 1, quantity: 5 }]);
    });

    it('counts every one of 50 concurrent increments', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => repo.incrementLine(sid, 1, 1, 1000)));
      expect(results.every((r) => r.outcome === 'ok')).toBe(true);
      expect((await repo.getCart(sid)).lines).toEqual([{ pid: 1, quantity: 50 }]);
    });

    it('never lets 30 concurrent increments pass a stock of 10', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => repo.incrementLine(sid, 1, 1, 10)));
      expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(10);
      expect((await repo.getCart(sid)).lines).toEqual([{ pid: 1, quantity: 10 }]);
    });

    it(`refuses line ${MAX_CART_LINES + 1} but still changes existing lines`, async () => {
      await Promise.all(Array.from({ length: MAX_CART_LINES }, (_, i) => repo.incrementLine(sid, i + 1, 1, 10)));
      expect(await repo.incrementLine(sid, MAX_CART_LINES + 1, 1, 10)).toMatchObject({ outcome: 'cart_full', quantity: 0 });
      expect(await repo.incrementLine(sid, 1, 1, 10)).toMatchObject({ outcome: 'ok', quantity: 2 });
      expect((await repo.getCart(sid)).lines).toHaveLength(MAX_CART_LINES);
    });

    it('keeps one coupon per cart beside the lines, replaces it, removes it, and clears it with the cart', async () => {
      expect(await repo.getCart(sid)).toEqual({ lines: [], couponCode: null });
      await repo.setCoupon(sid, 'FLAT20');
      expect(await repo.getCart(sid)).toEqual({ lines: [], couponCode: 'FLAT20' });
      await repo.incrementLine(sid, 1, 2, 10);
      await repo.setCoupon(sid, 'other');
      expect(await repo.getCart(sid)).toEqual({ lines: [{ pid: 1, quantity: 2 }], couponCode: 'other' });
      await repo.removeCoupon(sid);
      expect(await repo.getCart(sid)).toEqual({ lines: [{ pid: 1, quantity: 2 }], couponCode: null });
      await repo.setCoupon(sid, 'again');
      await repo.setLine(sid, 1, 0, 10);
      expect(await repo.getCart(sid)).toEqual({ lines: [], couponCode: 'again' });
      await repo.clear(sid);
      expect(await repo.getCart(sid)).toEqual({ lines: [], couponCode: null });
    });

    it('does not count the coupon as a line against the line limit', async () => {
      await repo.setCoupon(sid, 'C');
      await Promise.all(Array.from({ length: MAX_CART_LINES }, (_, i) => repo.incrementLine(sid, i + 1, 1, 10)));
      expect((await repo.getCart(sid)).lines).toHaveLength(MAX_CART_LINES);
      expect(await repo.incrementLine(sid, MAX_CART_LINES + 1, 1, 10)).toMatchObject({ outcome: 'cart_full', quantity: 0 });
    });

    describe('expiry', () => {
      let shortLived: CartRepository;
      beforeAll(async () => {
        shortLived = await harness.create(2);
      });

      // TTL 2 s; the margins (>= 0.6 s either side) leave room for a slow machine on a real clock
      it('forgets a cart after its TTL, and every write refreshes the TTL', async () => {
        await shortLived.incrementLine(sid, 1, 1, 10);
        await harness.elapse(1400);
        await shortLived.incrementLine(sid, 2, 1, 10); // refreshes
        await harness.elapse(1400);
        expect((await shortLived.getCart(sid)).lines).toHaveLength(2);
        await harness.elapse(1300);
        expect((await shortLived.getCart(sid)).lines).toEqual([]);
      });

      it('refreshes the TTL on coupon writes and line removals too', async () => {
        await shortLived.incrementLine(sid, 1, 1, 10);
        await shortLived.incrementLine(sid, 2, 1, 10);
        await harness.elapse(1400);
        await shortLived.setCoupon(sid, 'C');
        await harness.elapse(1400);
        await shortLived.removeLines(sid, [2]);
        await harness.elapse(1400);
        expect(await shortLived.getCart(sid)).toEqual({ lines: [{ pid: 1, quantity: 1 }], couponCode: 'C' });
      });
    });
  });
}

