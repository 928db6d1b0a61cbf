import { Logger } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CartRepository } from '../src/cart/cart.repository';
import { createCoupon } from './factories/coupon.factory';
import { createProduct, setStock } from './factories/product.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

let seq = 0;
const newSid = () => `co-${Date.now().toString(36)}-${++seq}`;

describe('Checkout (e2e, Postgres + Redis)', () => {
  let t: TestApp;
  const admin = { 'X-API-Key': ADMIN_KEY };

  beforeAll(async () => {
    t = await startTestApp('checkout');
  });
  afterAll(() => t.close());

  const add = (sid: string, pid: number, quantity = 1) => request(t.http).post(`/api/carts/${sid}/items`).send({ pid, quantity }).expect(200);
  const checkout = (sid: string, key?: string) => {
    const r = request(t.http).post(`/api/carts/${sid}/checkout`);
    return key === undefined ? r : r.set('Idempotency-Key', key);
  };
  const stockOf = async (pid: number) => (await request(t.http).get(`/api/products/${pid}`).expect(200)).body.quantity as number;
  const viewOf = async (sid: string) => (await request(t.http).get(`/api/carts/${sid}`).expect(200)).body;
  const redemptionsOf = async (code: string) => (await request(t.http).get(`/api/coupons/${code}`).set(admin).expect(200)).body.redemptions as number;

  it('places an order: 201 with snapshot prices and the coupon discount; takes the stock; clears the cart', async () => {
    const a = await createProduct(t, { name: 'Alpha', price: 10, quantity: 5 });
    const b = await createProduct(t, { name: 'Beta', price: 5, quantity: 5 });
    const c = await createCoupon(t, { name: '20% off Alpha', multiplier: 0.8, products: [a.id] });
    const sid = newSid();
    await add(sid, a.id, 3);
    await add(sid, b.id, 1);
    await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200);

    const res = await checkout(sid).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'placed',
      sid,
      items: [
        { pid: a.id, name: 'Alpha', price: 10, quantity: 3, lineDiscount: 6, lineTotal: 30 },
        { pid: b.id, name: 'Beta', price: 5, quantity: 1, lineDiscount: 0, lineTotal: 5 },
      ],
      subtotal: 35,
      discount: 6,
      total: 29,
      coupon: { code: c.code, name: '20% off Alpha' },
      createdAt: expect.any(String),
    });
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([2, 4]);
    expect(await redemptionsOf(c.code)).toBe(1);
    expect(await viewOf(sid)).toMatchObject({ items: [], coupon: null });

    // a placed order is a snapshot: later catalogue changes and deletions do not alter it
    await request(t.http).patch(`/api/products/${a.id}`).set(admin).send({ name: 'Renamed', price: 99 }).expect(200);
    await request(t.http).delete(`/api/products/${b.id}`).set(admin).expect(204);
    const read = await request(t.http).get(`/api/orders/${res.body.id}`).set(admin).expect(200);
    expect(read.body).toEqual(res.body);
    const list = await request(t.http).get('/api/orders?limit=100').set(admin).expect(200);
    expect(list.body.items.map((o: { id: string }) => o.id)).toContain(res.body.id);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
  });

  it('refuses an empty cart: 409 cart_empty', async () => {
    expect((await checkout(newSid()).expect(409)).body).toMatchObject({ statusCode: 409, code: 'cart_empty' });
  });

  it('refuses a cart with a line not ok: 409 cart_not_purchasable listing the lines; nothing changes', async () => {
    const ok = await createProduct(t, { quantity: 5 });
    const short = await createProduct(t, { quantity: 5 });
    const gone = await createProduct(t, { quantity: 5 });
    const sid = newSid();
    await add(sid, ok.id, 2);
    await add(sid, short.id, 4);
    await add(sid, gone.id, 1);
    await setStock(t, short.id, 3);
    await request(t.http).delete(`/api/products/${gone.id}`).set(admin).expect(204);
    const res = await checkout(sid).expect(409);
    expect(res.body).toMatchObject({
      code: 'cart_not_purchasable',
      details: {
        lines: [
          { pid: short.id, incart: 4, instock: 3, status: 'insufficient_stock' },
          { pid: gone.id, incart: 1, instock: 0, status: 'deleted' },
        ],
      },
    });
    expect(await stockOf(ok.id)).toBe(5);
    expect((await t.app.get(CartRepository).getCart(sid)).lines).toHaveLength(3);
    await setStock(t, short.id, 0);
    expect((await checkout(sid).expect(409)).body.details.lines[0]).toMatchObject({ pid: short.id, status: 'out_of_stock', instock: 0 });
  });

  it.each([
    ['expired', (code: string) => request(t.http).patch(`/api/coupons/${code}`).set(admin).send({ expiresAt: new Date(Date.now() - 1000).toISOString() }).expect(200)],
    ['used up', (code: string) => t.app.get(DataSource).query('UPDATE coupon SET max_redemptions = 1, redemptions = 1 WHERE code = $1', [code])],
    ['deactivated', (code: string) => request(t.http).patch(`/api/coupons/${code}`).set(admin).send({ active: false }).expect(200)],
    ['deleted', (code: string) => request(t.http).delete(`/api/coupons/${code}`).set(admin).expect(204)],
  ])('refuses a coupon %s at checkout: 422 coupon_not_applicable; no stock taken, cart kept', async (_case, change) => {
    const p = await createProduct(t, { price: 10, quantity: 5 });
    const c = await createCoupon(t, { multiplier: 0.5, appliesTo: 'cart' });
    const sid = newSid();
    await add(sid, p.id, 2);
    await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200);
    await change(c.code);
    const res = await checkout(sid).expect(422);
    expect(res.body).toMatchObject({ code: 'coupon_not_applicable', details: { code: c.code } });
    expect(await stockOf(p.id)).toBe(5);
    expect(await t.app.get(CartRepository).getCart(sid)).toMatchObject({ lines: [{ pid: p.id, quantity: 2 }], couponCode: c.code });
  });

  it('a coupon that covers nothing in the cart is left out of the order and counts no redemption', async () => {
    const covered = await createProduct(t, { quantity: 5 });
    const other = await createProduct(t, { price: 8, quantity: 5 });
    const c = await createCoupon(t, { multiplier: 0.5, maxRedemptions: 1, products: [covered.id] });
    const sid = newSid();
    await add(sid, other.id, 1);
    await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200);
    const res = await checkout(sid).expect(201);
    expect(res.body).toMatchObject({ subtotal: 8, discount: 0, total: 8, coupon: null });
    expect(await redemptionsOf(c.code)).toBe(0);
  });

  describe('Idempotency-Key', () => {
    it('the same key again returns the same order (200) and moves no stock a second time', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const sid = newSid();
      await add(sid, p.id, 3);
      const key = `key-${newSid()}`;
      const first = await checkout(sid, key).expect(201);
      const again = await checkout(sid, key).expect(200);
      expect(again.body).toEqual(first.body);
      expect(await stockOf(p.id)).toBe(7);
    });

    it('a late retry does not empty a cart filled again with the same things', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const sid = newSid();
      await add(sid, p.id, 1);
      const key = `key-${newSid()}`;
      const first = await checkout(sid, key).expect(201);
      await add(sid, p.id, 1);
      expect((await checkout(sid, key).expect(200)).body.id).toBe(first.body.id);
      expect((await t.app.get(CartRepository).getCart(sid)).lines).toMatchObject([{ pid: p.id, quantity: 1 }]);
      expect(await stockOf(p.id)).toBe(9);
    });

    it('the same key with a different cart content -> 422 idempotency_key_reused', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const sid = newSid();
      await add(sid, p.id, 1);
      const key = `key-${newSid()}`;
      await checkout(sid, key).expect(201);
      await add(sid, p.id, 2);
      expect((await checkout(sid, key).expect(422)).body.code).toBe('idempotency_key_reused');
      expect(await stockOf(p.id)).toBe(9);
    });

    it('keys are scoped to their cart: another cart using (or guessing) the same key gets its own order', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const victim = newSid();
      const attacker = newSid();
      await add(victim, p.id, 1);
      await add(attacker, p.id, 2);
      const key = `key-${newSid()}`;
      const first = await checkout(attacker, key).expect(201);
      const second = await checkout(victim, key).expect(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.body.items).toEqual([expect.objectContaining({ pid: p.id, quantity: 1 })]);
      expect(await stockOf(p.id)).toBe(7);
    });

    it('concurrent requests with one key all answer the one order, even when it took the last units', async () => {
      const p = await createProduct(t, { quantity: 2 });
      const sid = newSid();
      await add(sid, p.id, 2);
      const key = `key-${newSid()}`;
      const results = await Promise.all(Array.from({ length: 5 }, () => checkout(sid, key)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await stockOf(p.id)).toBe(0);
    });

    it('two checkouts of one cart at once (double click, two devices) place one order', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const sid = newSid();
      await add(sid, p.id, 3);
      const results = await Promise.all([checkout(sid), checkout(sid, `a-${sid}`), checkout(sid, `b-${sid}`)]);
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(['cart_empty', 'cart_empty']);
      expect(await stockOf(p.id)).toBe(7);
    });

    it('when clearing the cart fails after the commit, the order stands and a retry returns it', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const sid = newSid();
      await add(sid, p.id, 4);
      const key = `key-${newSid()}`;
      const carts = t.app.get(CartRepository);
      const failing = jest.spyOn(carts, 'removeLines').mockRejectedValueOnce(new Error('redis went away'));
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const first = await checkout(sid, key).expect(201);
      failing.mockRestore();
      logged.mockRestore();
      expect((await carts.getCart(sid)).lines).toMatchObject([{ pid: p.id, quantity: 4 }]);
      const retry = await checkout(sid, key).expect(200);
      expect(retry.body.id).toBe(first.body.id);
      expect((await carts.getCart(sid)).lines).toEqual([]);
      expect(await stockOf(p.id)).toBe(6);
    });

    it.each([['x'.repeat(129)], [''], ['tab\there']])('refuses a malformed key %#: 400', async (key) => {
      const res = await request(t.http).post(`/api/carts/${newSid()}/checkout`).set('Idempotency-Key', key).expect(400);
      expect(res.body.details[0].field).toBe('Idempotency-Key');
    });
  });

  describe('reading orders', () => {
    it('needs the admin key; a malformed id is 400; an unknown one 404', async () => {
      await request(t.http).get('/api/orders').expect(401);
      await request(t.http).get('/api/orders/00000000-0000-4000-8000-000000000000').expect(401);
      expect((await request(t.http).get('/api/orders/123').set(admin).expect(400)).body.details[0].field).toBe('id');
      expect((await request(t.http).get('/api/orders/00000000-0000-4000-8000-000000000000').set(admin).expect(404)).body.code).toBe('order_not_found');
      await request(t.http).get('/api/orders?limit=0').set(admin).expect(400);
    });
  });

  describe('races', () => {
    it('100 carts holding one unit each of a product with stock 20, checked out at once: exactly 20 orders', async () => {
      const p = await createProduct(t, { quantity: 20 });
      const sids = Array.from({ length: 100 }, () => newSid());
      for (const sid of sids) await add(sid, p.id, 1);
      const results = await Promise.all(sids.map((sid) => checkout(sid)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(20);
      expect(results.filter((r) => r.status === 409 && r.body.code === 'cart_not_purchasable')).toHaveLength(80);
      expect(await stockOf(p.id)).toBe(0);
      const [{ sold }] = await t.app.get(DataSource).query('SELECT coalesce(sum(quantity), 0)::int AS sold FROM order_line WHERE product_id = $1', [p.id]);
      expect(sold).toBe(20);
    });

    it('a coupon with maxRedemptions 3 raced by 12 carts: at most 3 discounted orders', async () => {
      const p = await createProduct(t, { price: 10, quantity: 100 });
      const c = await createCoupon(t, { multiplier: 0.5, maxRedemptions: 3, appliesTo: 'cart' });
      const sids = Array.from({ length: 12 }, () => newSid());
      for (const sid of sids) {
        await add(sid, p.id, 1);
        await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200);
      }
      const results = await Promise.all(sids.map((sid) => checkout(sid)));
      const placed = results.filter((r) => r.status === 201);
      expect(placed.filter((r) => r.body.discount > 0)).toHaveLength(3);
      expect(placed).toHaveLength(3);
      expect(results.filter((r) => r.status === 422 && r.body.code === 'coupon_not_applicable')).toHaveLength(9);
      expect(await redemptionsOf(c.code)).toBe(3);
      expect(await stockOf(p.id)).toBe(97);
    });
  });
});
