import { CartLine, MAX_CART_LINES } from '../../src/cart/cart.repository';
import { InMemoryCartRepository } from '../../src/cart/in-memory-cart.repository';

const TTL_SECONDS = 60;
const TTL_MS = TTL_SECONDS * 1000;
const T0 = 1_700_000_000_000;
/** A unit price for these tests, which are not about prices (the contract suite is). */
const PRICE = 100;
/** Lines without their seen prices. */
const qty = (lines: CartLine[]) => lines.map(({ pid, quantity }) => ({ pid, quantity }));

describe('InMemoryCartRepository with a fake clock', () => {
  let now: number;
  let repo: InMemoryCartRepository;

  beforeEach(() => {
    now = T0;
    repo = new InMemoryCartRepository(TTL_SECONDS, () => now);
  });

  afterEach(() => repo.onModuleDestroy());

  describe('expiry', () => {
    it.each([
      [0, [{ pid: 1, quantity: 2 }]],
      [1, [{ pid: 1, quantity: 2 }]],
      [TTL_MS - 1, [{ pid: 1, quantity: 2 }]],
      [TTL_MS, []],
      [TTL_MS + 1, []],
      [10 * TTL_MS, []],
    ])('a cart written at t0 read at t0+%pms holds %j', async (elapsed, lines) => {
      await repo.incrementLine('s', 1, 2, 10, PRICE);
      now = T0 + elapsed;
      expect(qty((await repo.getCart('s')).lines)).toEqual(lines);
    });

    it.each<[string, (r: InMemoryCartRepository) => Promise<unknown>]>([
      ['incrementLine', (r) => r.incrementLine('s', 2, 1, 10, PRICE)],
      ['setLine', (r) => r.setLine('s', 1, 5, 10, PRICE)],
      ['setLine to 0 of another line', (r) => r.setLine('s', 2, 0, 10, PRICE).then(() => r.incrementLine('s', 2, 1, 10, PRICE)).then(() => r.setLine('s', 2, 0, 10, PRICE))],
      ['removeLines', (r) => r.removeLines('s', [2])],
    ])('%s pushes the expiry to (time of the write + ttl)', async (_name, write) => {
      await repo.incrementLine('s', 1, 2, 10, PRICE);
      now = T0 + TTL_MS - 1; // one ms before the first expiry
      await write(repo);
      const writtenAt = now;

      now = T0 + TTL_MS; // would have expired without the refresh
      expect(((await repo.getCart('s')).lines).length).toBeGreaterThan(0);

      now = writtenAt + TTL_MS - 1;
      expect(((await repo.getCart('s')).lines).length).toBeGreaterThan(0);

      now = writtenAt + TTL_MS;
      expect(qty((await repo.getCart('s')).lines)).toEqual([]);
    });

    it('reads do not extend the expiry', async () => {
      await repo.incrementLine('s', 1, 1, 10, PRICE);
      for (let t = 0; t < TTL_MS; t += TTL_MS / 4) {
        now = T0 + t;
        expect(qty((await repo.getCart('s')).lines)).toEqual([{ pid: 1, quantity: 1 }]);
      }
      now = T0 + TTL_MS;
      expect(qty((await repo.getCart('s')).lines)).toEqual([]);
    });

    it('a refused write (insufficient stock) does not extend the expiry', async () => {
      await repo.incrementLine('s', 1, 1, 10, PRICE);
      now = T0 + TTL_MS - 1;
      expect(await repo.setLine('s', 1, 11, 10, PRICE)).toMatchObject({ outcome: 'insufficient_stock', quantity: 1 });
      now = T0 + TTL_MS;
      expect(qty((await repo.getCart('s')).lines)).toEqual([]);
    });

    it('keeps a cart alive indefinitely while it is written within each ttl', async () => {
      await repo.incrementLine('s', 1, 1, 1000, PRICE);
      for (let i = 1; i <= 10; i++) {
        now += TTL_MS - 1;
        expect(await repo.incrementLine('s', 1, 1, 1000, PRICE)).toMatchObject({ outcome: 'ok', quantity: i + 1 });
      }
      expect(qty((await repo.getCart('s')).lines)).toEqual([{ pid: 1, quantity: 11 }]);
    });

    it('an expired cart starts empty on the next write (old lines do not come back)', async () => {
      await repo.incrementLine('s', 1, 3, 10, PRICE);
      now = T0 + TTL_MS;
      expect(await repo.incrementLine('s', 2, 1, 10, PRICE)).toMatchObject({ outcome: 'ok', quantity: 1 });
      expect(qty((await repo.getCart('s')).lines)).toEqual([{ pid: 2, quantity: 1 }]);
      expect(await repo.incrementLine('s', 1, 1, 10, PRICE)).toMatchObject({ outcome: 'ok', quantity: 1 });
    });

    it('expires carts independently', async () => {
      await repo.incrementLine('a', 1, 1, 10, PRICE);
      now = T0 + TTL_MS / 2;
      await repo.incrementLine('b', 1, 1, 10, PRICE);
      now = T0 + TTL_MS;
      expect(qty((await repo.getCart('a')).lines)).toEqual([]);
      expect(qty((await repo.getCart('b')).lines)).toEqual([{ pid: 1, quantity: 1 }]);
      now = T0 + TTL_MS / 2 + TTL_MS;
      expect(qty((await repo.getCart('b')).lines)).toEqual([]);
    });

    it('honours a different ttl', async () => {
      repo.onModuleDestroy();
      repo = new InMemoryCartRepository(3600, () => now);
      await repo.incrementLine('s', 1, 1, 10, PRICE);
      now = T0 + 3_599_999;
      expect((await repo.getCart('s')).lines).toHaveLength(1);
      now = T0 + 3_600_000;
      expect(qty((await repo.getCart('s')).lines)).toEqual([]);
    });
  });

  describe('line changes', () => {
    it.each<[string, (r: InMemoryCartRepository) => Promise<unknown>, unknown, { pid: number; quantity: number }[]]>([
      ['increment a new line', (r) => r.incrementLine('s', 1, 2, 5, PRICE), { outcome: 'ok', quantity: 2 }, [{ pid: 1, quantity: 2 }, { pid: 9, quantity: 2 }]],
      ['increment up to the stock', (r) => r.incrementLine('s', 9, 3, 5, PRICE), { outcome: 'ok', quantity: 5 }, [{ pid: 9, quantity: 5 }]],
      ['increment past the stock', (r) => r.incrementLine('s', 9, 4, 5, PRICE), { outcome: 'insufficient_stock', quantity: 2 }, [{ pid: 9, quantity: 2 }]],
      ['set within the stock', (r) => r.setLine('s', 9, 5, 5, PRICE), { outcome: 'ok', quantity: 5 }, [{ pid: 9, quantity: 5 }]],
      ['set above the stock', (r) => r.setLine('s', 9, 6, 5, PRICE), { outcome: 'insufficient_stock', quantity: 2 }, [{ pid: 9, quantity: 2 }]],
      ['lower a line whose stock fell', (r) => r.setLine('s', 9, 1, 1, PRICE), { outcome: 'ok', quantity: 1 }, [{ pid: 9, quantity: 1 }]],
      ['set to 0 removes', (r) => r.setLine('s', 9, 0, 5, PRICE), { outcome: 'ok', quantity: 0 }, []],
      ['set 0 on an absent line', (r) => r.setLine('s', 1, 0, 5, PRICE), { outcome: 'ok', quantity: 0 }, [{ pid: 9, quantity: 2 }]],
    ])('%s', async (_name, act, outcome, lines) => {
      await repo.setLine('s', 9, 2, 10, PRICE); // starting point: pid 9 x 2
      expect(await act(repo)).toMatchObject(outcome as object);
      expect(qty((await repo.getCart('s')).lines).sort((a, b) => a.pid - b.pid)).toEqual(lines);
    });

    it(`refuses line ${MAX_CART_LINES + 1} but still changes existing lines`, async () => {
      for (let pid = 1; pid <= MAX_CART_LINES; pid++) await repo.incrementLine('s', pid, 1, 10, PRICE);
      expect(await repo.incrementLine('s', MAX_CART_LINES + 1, 1, 10, PRICE)).toMatchObject({ outcome: 'cart_full', quantity: 0 });
      expect(await repo.incrementLine('s', 1, 1, 10, PRICE)).toMatchObject({ outcome: 'ok', quantity: 2 });
      expect((await repo.getCart('s')).lines).toHaveLength(MAX_CART_LINES);
    });

    it('removeLines ignores absent lines and clear empties the cart', async () => {
      await repo.incrementLine('s', 1, 1, 10, PRICE);
      await repo.incrementLine('s', 2, 1, 10, PRICE);
      await repo.removeLines('s', [2, 99]);
      expect(qty((await repo.getCart('s')).lines)).toEqual([{ pid: 1, quantity: 1 }]);
      await repo.clear('s');
      expect(qty((await repo.getCart('s')).lines)).toEqual([]);
    });
  });
});

describe('InMemoryCartRepository memory bound', () => {
  it('forgets the least recently written cart past maxCarts', async () => {
    const repo = new InMemoryCartRepository(3600, Date.now, 3);
    for (const sid of ['a', 'b', 'c']) await repo.incrementLine(sid, 1, 1, 10, PRICE);
    await repo.incrementLine('a', 1, 1, 10, PRICE); // a is now the most recent
    await repo.incrementLine('d', 1, 1, 10, PRICE); // b goes
    expect(qty((await repo.getCart('b')).lines)).toEqual([]);
    for (const sid of ['a', 'c', 'd']) expect(qty((await repo.getCart(sid)).lines)).not.toEqual([]);
    repo.onModuleDestroy();
  });
});
