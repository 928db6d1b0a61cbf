import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProductStockCache } from '../src/products/product-stock.cache';
import { createProduct } from './factories/product.factory';
import { ADMIN_KEY, newTestRedis, startTestApp, TestApp } from './helpers/test-app';

/** Two instances on one Postgres schema and one Redis prefix, with a cache TTL far longer than the test. */
describe('Catalogue cache shared by instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  const admin = { 'X-API-Key': ADMIN_KEY };

  beforeAll(async () => {
    a = await startTestApp('catalogue_cache', { PRODUCT_CACHE_TTL_MS: '60000' });
    b = await startTestApp('catalogue_cache_b', { PRODUCT_CACHE_TTL_MS: '60000', DATABASE_SCHEMA: a.schema, REDIS_KEY_PREFIX: a.keyPrefix });
  });
  afterAll(async () => {
    try {
      await b?.app.close();
    } finally {
      await a?.close();
    }
  });

  const viewOn = async (t: TestApp, sid: string) => (await request(t.http).get(`/api/carts/${sid}`).expect(200)).body;

  /** Polls B's view until `ok` holds; answers how long it took. */
  async function within(ms: number, read: () => Promise<unknown>, ok: (v: never) => boolean): Promise<number> {
    const start = Date.now();
    for (;;) {
      if (ok((await read()) as never)) return Date.now() - start;
      if (Date.now() - start > ms) throw new Error(`not seen within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it("a price change through A is what B's cart view shows within 100 ms", async () => {
    const p = await createProduct(a, { price: 10, quantity: 5 });
    const sid = `cc-${Date.now()}`;
    await request(b.http).post(`/api/carts/${sid}/items`).send({ pid: p.id }).expect(200);
    expect((await viewOn(b, sid)).items[0].price).toBe(10); // cached on B (memory) and in Redis
    expect((await request(b.http).get(`/api/products/${p.id}`).expect(200)).body.price).toBe(10);
    await request(a.http).patch(`/api/products/${p.id}`).set(admin).send({ price: 12.5, quantity: 2 }).expect(200);
    const took = await within(100, () => viewOn(b, sid), (v: { items: { price: number; instock: number }[] }) => v.items[0].price === 12.5 && v.items[0].instock === 2);
    expect(took).toBeLessThanOrEqual(100);
    expect((await request(b.http).get(`/api/products/${p.id}`).expect(200)).body).toMatchObject({ price: 12.5, quantity: 2 });
  });

  it("a product deleted through A is `removed` in B's next view", async () => {
    const p = await createProduct(a, { quantity: 5 });
    const keep = await createProduct(a, { quantity: 5 });
    const sid = `cd-${Date.now()}`;
    await request(b.http).post(`/api/carts/${sid}/items`).send({ pid: p.id }).expect(200);
    await request(b.http).post(`/api/carts/${sid}/items`).send({ pid: keep.id }).expect(200);
    await request(a.http).delete(`/api/products/${p.id}`).set(admin).expect(204);
    await within(100, () => viewOn(b, sid), (v: { removed: { pid: number }[]; items: unknown[] }) => v.removed.some((r) => r.pid === p.id) && v.items.length === 1);
    await request(b.http).get(`/api/products/${p.id}`).expect(404);
  });

  it("an instance skips its own invalidation message (it dropped the entries when it sent it): a late echo does not drop what it read since", async () => {
    const p = await createProduct(a, { price: 10, quantity: 5 });
    const sid = `ce-${Date.now()}`;
    await request(a.http).post(`/api/carts/${sid}/items`).send({ pid: p.id }).expect(200);
    expect((await viewOn(a, sid)).items[0].price).toBe(10); // in A's memory tier and the Redis tier
    // the price changes behind the cache's back, and the Redis tier forgets it: only A's memory has 10 now
    await a.app.get(DataSource).query('UPDATE product SET price_cents = 1100 WHERE id = $1', [p.id]);
    const redis = newTestRedis();
    const channel = `${a.keyPrefix}catalogue-changed`;
    try {
      await redis.del(`${a.keyPrefix}{catalogue}:product:${p.id}`);
      await redis.publish(channel, `${a.app.get(ProductStockCache).instanceId} ${p.id}`); // A's own message, arriving late
      await new Promise((r) => setTimeout(r, 100));
      expect((await viewOn(a, sid)).items[0].price).toBe(10); // kept
      await redis.publish(channel, `another-instance ${p.id}`); // another instance's message
      await new Promise((r) => setTimeout(r, 100));
      expect((await viewOn(a, sid)).items[0].price).toBe(11); // dropped, read again
    } finally {
      redis.disconnect();
    }
  });

  it('an old row written back to the Redis tier after a write (a read that began before it) is dropped everywhere by the second delete', async () => {
    const p = await createProduct(a, { price: 10, quantity: 5 });
    const sid = `cs-${Date.now()}`;
    await request(a.http).post(`/api/carts/${sid}/items`).send({ pid: p.id }).expect(200);
    expect((await viewOn(b, sid)).items[0].price).toBe(10);
    const redis = newTestRedis();
    const key = `${a.keyPrefix}{catalogue}:product:${p.id}`;
    try {
      const oldRow = await redis.get(key);
      expect(oldRow).toContain('1000'); // the Redis tier's entry, price in cents
      await request(a.http).patch(`/api/products/${p.id}`).set(admin).send({ price: 12 }).expect(200);
      // another instance's load that read the row before the write stores it now, after the first delete
      await redis.set(key, oldRow!, 'PX', 60_000);
      expect((await viewOn(b, sid)).items[0].price).toBe(10); // B copies it into its memory
      expect((await viewOn(a, sid)).items[0].price).toBe(10); // and A too
      await new Promise((r) => setTimeout(r, 400)); // past the second delete (250 ms)
      expect((await viewOn(b, sid)).items[0].price).toBe(12);
      expect((await viewOn(a, sid)).items[0].price).toBe(12);
    } finally {
      redis.disconnect();
    }
  });

  it('a checkout on A drops the stock it took from B at once', async () => {
    const p = await createProduct(a, { quantity: 3 });
    const buyer = `cb-${Date.now()}`;
    const other = `co-${Date.now()}`;
    await request(b.http).post(`/api/carts/${other}/items`).send({ pid: p.id, quantity: 3 }).expect(200);
    await request(a.http).post(`/api/carts/${buyer}/items`).send({ pid: p.id, quantity: 2 }).expect(200);
    await request(a.http).post(`/api/carts/${buyer}/checkout`).expect(201);
    await within(100, () => viewOn(b, other), (v: { items: { instock: number; status: string }[] }) => v.items[0].instock === 1 && v.items[0].status === 'insufficient_stock');
  });
});
