import { createCache } from 'cache-manager';
import { AppConfig } from '../../src/config/app.config';
import { ProductStockCache } from '../../src/products/product-stock.cache';
import { ProductStock, ProductsRepository } from '../../src/products/products.repository';

describe('ProductStockCache', () => {
  let stock: Map<number, ProductStock>;
  let queries: number[][];
  const repo = { findStockByIds: (ids: number[]) => (queries.push(ids), Promise.resolve(ids.flatMap((id) => (stock.has(id) ? [{ ...stock.get(id)! }] : [])))) } as unknown as ProductsRepository;
  /** No shared tier (no Redis): the in-process tier only, as the embedded default runs it. */
  const tiers = () => createCache({ stores: [] });
  const config = (ttl: number) => ({ productCacheTtlMs: ttl, redis: { keyPrefix: 't:' } }) as AppConfig;
  const make = (ttl: number) => new ProductStockCache(tiers(), repo, config(ttl), null);
  const p = (id: number, quantity: number): ProductStock => ({ id, name: `P${id}`, priceCents: 100, quantity });

  beforeEach(() => {
    stock = new Map([[1, p(1, 5)], [2, p(2, 7)]]);
    queries = [];
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads the misses in one query and serves hits from memory until the TTL passes', async () => {
    const cache = make(1000); // the memory tier keeps time with performance.now(): real time here
    expect((await cache.getMany([1, 2])).map((x) => x.quantity)).toEqual([5, 7]);
    stock.set(1, p(1, 0));
    expect((await cache.getMany([1, 2])).map((x) => x.quantity)).toEqual([5, 7]);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await cache.getMany([2, 1])).map((x) => x.quantity)).toEqual([7, 0]);
    expect(queries).toEqual([[1, 2], [2, 1]]);
  });

  it('drops what this instance changed at once', async () => {
    const cache = make(1000);
    await cache.getMany([1, 2]);
    stock.set(1, p(1, 3));
    await cache.invalidate([1]);
    expect((await cache.getMany([1, 2])).map((x) => x.quantity)).toEqual([3, 7]);
    expect(queries).toEqual([[1, 2], [1]]);
  });

  it('does not store a read that an invalidation overtook', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowRepo = { findStockByIds: async (ids: number[]) => { await gate; return ids.map((id) => p(id, 5)); } } as unknown as ProductsRepository;
    const slow = new ProductStockCache(tiers(), slowRepo, config(1000), null);
    const pending = slow.getMany([1]);
    void slow.invalidate([1]); // a checkout on this instance committed while the read was in flight
    release();
    expect((await pending).map((x) => x.quantity)).toEqual([5]);
    const fresh = jest.spyOn(slowRepo, 'findStockByIds');
    await slow.getMany([1]);
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  describe('readers of a product that is being loaded', () => {
    /** Each query waits for its gate: gates[i] lets query i answer. */
    let gates: (() => void)[];
    let calls: number[][];
    let fail: boolean;
    const gatedRepo = {
      findStockByIds: async (ids: number[]) => {
        calls.push(ids);
        const snapshot = ids.flatMap((id) => (stock.has(id) ? [{ ...stock.get(id)! }] : []));
        await new Promise<void>((r) => gates.push(r));
        if (fail) throw new Error('connection terminated');
        return snapshot;
      },
    } as unknown as ProductsRepository;
    const gated = () => new ProductStockCache(tiers(), gatedRepo, config(1000), null);
    const settle = () => new Promise((r) => setImmediate(r));
    beforeEach(() => {
      gates = [];
      calls = [];
      fail = false;
    });

    it('wait for that load instead of starting their own', async () => {
      stock.set(3, p(3, 9));
      const cache = gated();
      const a = cache.getMany([1, 2]);
      await settle();
      const b = cache.getMany([2, 1, 2]);
      const c = cache.getMany([3, 1]);
      await settle();
      expect(calls).toEqual([[1, 2], [3]]); // c loads only what nobody is loading yet
      gates.forEach((open) => open());
      expect((await a).map((x) => x.quantity)).toEqual([5, 7]);
      expect((await b).map((x) => x.id)).toEqual([2, 1, 2]);
      expect((await c).map((x) => [x.id, x.quantity])).toEqual([[3, 9], [1, 5]]);
      expect((await cache.getMany([1, 2, 3])).length).toBe(3);
      expect(calls).toHaveLength(2); // all in memory now
    });

    it('that come after an invalidation load again, not what was read before it', async () => {
      const cache = gated();
      const before = cache.getMany([1]);
      await settle();
      stock.set(1, p(1, 2));
      await cache.invalidate([1]);
      const after = cache.getMany([1]);
      await settle();
      expect(calls).toEqual([[1], [1]]);
      gates[1](); // the fresh read answers first: the stale one, answering last, must not replace it
      expect((await after).map((x) => x.quantity)).toEqual([2]);
      gates[0]();
      expect((await before).map((x) => x.quantity)).toEqual([5]); // began before the write
      expect((await cache.getMany([1])).map((x) => x.quantity)).toEqual([2]); // and only the fresh read was kept
    });

    it("share a failed load's error, and the next reader tries again", async () => {
      const cache = gated();
      fail = true;
      const a = cache.getMany([1]);
      await settle();
      const b = cache.getMany([1]);
      gates.forEach((open) => open());
      await expect(a).rejects.toThrow('connection terminated');
      await expect(b).rejects.toThrow('connection terminated');
      fail = false;
      const c = cache.getMany([1]);
      await settle();
      gates[1]();
      expect((await c).map((x) => x.quantity)).toEqual([5]);
      expect(calls).toEqual([[1], [1]]);
    });
  });

  it("stores a read that an invalidation of other products overtook (only the products written are stale)", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reads = 0;
    const slowRepo = { findStockByIds: async (ids: number[]) => { reads++; await gate; return ids.map((id) => p(id, 5)); } } as unknown as ProductsRepository;
    const slow = new ProductStockCache(tiers(), slowRepo, config(1000), null);
    const pending = slow.getMany([1]);
    void slow.invalidate([2]); // a checkout of another product
    release();
    await pending;
    await slow.getMany([1]);
    expect(reads).toBe(1);
  });

  it('never caches a product that does not exist', async () => {
    const cache = make(1000);
    expect(await cache.getMany([9])).toEqual([]);
    stock.set(9, p(9, 1));
    expect((await cache.getMany([9])).map((x) => x.id)).toEqual([9]);
  });

  it('with a TTL of 0 always reads Postgres', async () => {
    const cache = make(0);
    await cache.getMany([1]);
    await cache.getMany([1]);
    expect(queries).toEqual([[1], [1]]);
  });
});
