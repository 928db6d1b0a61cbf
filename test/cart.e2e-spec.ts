import request from 'supertest';
import { DataSource } from 'typeorm';
import { CartRepository } from '../src/cart/cart.repository';
import { ProductStockCache } from '../src/products/product-stock.cache';
import { createProduct, setStock } from './factories/product.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

let seq = 0;
const newSid = () => `sid-${Date.now().toString(36)}-${++seq}`;

describe('Cart (e2e, Postgres + Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('cart');
  });
  afterAll(() => t.close());

  const update = (body: Record<string, unknown>) => request(t.http).post('/api/updatecart').send(body);
  const view = (sid: string) => request(t.http).get(`/api/viewcart/${sid}`).expect(200);

  describe('POST /api/updatecart (original)', () => {
    it("adds 1 when v is missing or '', as JSON and as a form", async () => {
      const p = await createProduct(t, { price: 2.5, quantity: 10 });
      const sid = newSid();
      const first = await update({ sid, pid: p.id }).expect(200);
      expect(first.body).toEqual({
        sid,
        items: [{ pid: p.id, name: p.name, price: 2.5, incart: 1, instock: 10, status: 'ok', lineTotal: 2.5, lineDiscount: 0 }],
        removed: [],
        coupon: null,
        notices: [],
        subtotal: 2.5,
        discount: 0,
        total: 2.5,
        itemCount: 1,
      });
      await update({ sid, pid: p.id, v: '' }).expect(200);
      const form = await request(t.http).post('/api/updatecart').type('form').send(`sid=${sid}&pid=${p.id}&v=`).expect(200);
      expect(form.body.items[0].incart).toBe(3);
      const formNoV = await request(t.http).post('/api/updatecart').type('form').send(`sid=${sid}&pid=${p.id}`).expect(200);
      expect(formNoV.body.items[0].incart).toBe(4);
      expect(formNoV.body.total).toBe(10);
    });

    it('sets the quantity to N given as a number or a numeric string (JSON or form)', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const sid = newSid();
      expect((await update({ sid, pid: p.id, v: 4 }).expect(200)).body.items[0].incart).toBe(4);
      expect((await update({ sid, pid: p.id, v: '2' }).expect(200)).body.items[0].incart).toBe(2);
      const form = await request(t.http).post('/api/updatecart').type('form').send({ sid, pid: String(p.id), v: '7' }).expect(200);
      expect(form.body.items[0].incart).toBe(7);
    });

    it.each([['delete'], [0], ['0']])('removes the line when v = %p', async (v) => {
      const p = await createProduct(t);
      const other = await createProduct(t);
      const sid = newSid();
      await update({ sid, pid: p.id, v: 3 }).expect(200);
      await update({ sid, pid: other.id }).expect(200);
      const res = await update({ sid, pid: p.id, v }).expect(200);
      expect(res.body.items.map((i: { pid: number }) => i.pid)).toEqual([other.id]);
    });

    it.each([[-1], ['-1'], [1.5], ['1.5'], ['abc'], [true], [{}], [[]], ['1e3']])('refuses v = %p with 400 naming v, cart unchanged', async (v) => {
      const p = await createProduct(t);
      const sid = newSid();
      await update({ sid, pid: p.id, v: 2 }).expect(200);
      const res = await update({ sid, pid: p.id, v }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed', details: [{ field: 'v' }] });
      expect((await view(sid)).body.items[0].incart).toBe(2);
    });

    it('refuses a quantity above the stock: 409 out_of_stock with instock, cart unchanged', async () => {
      const p = await createProduct(t, { quantity: 3 });
      const sid = newSid();
      await update({ sid, pid: p.id, v: 3 }).expect(200);
      const inc = await update({ sid, pid: p.id }).expect(409);
      expect(inc.body).toMatchObject({ statusCode: 409, code: 'out_of_stock', instock: 3, details: { pid: p.id, instock: 3, incart: 3, requested: 4 } });
      const set = await update({ sid, pid: p.id, v: 4 }).expect(409);
      expect(set.body).toMatchObject({ code: 'out_of_stock', instock: 3 });
      expect((await view(sid)).body.items[0].incart).toBe(3);
    });

    it('refuses a product with no stock at all', async () => {
      const p = await createProduct(t, { quantity: 0 });
      const sid = newSid();
      const res = await update({ sid, pid: p.id }).expect(409);
      expect(res.body).toMatchObject({ code: 'out_of_stock', instock: 0 });
      expect((await view(sid)).body.items).toEqual([]);
    });

    it.each([[undefined], [3], ['delete'], [0]])('unknown product with v = %p -> 404 product_not_found', async (v) => {
      const res = await update({ sid: newSid(), pid: 987654, v }).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'product_not_found' });
    });

    it('a line whose product was deleted can still be removed', async () => {
      const p = await createProduct(t);
      const sid = newSid();
      await update({ sid, pid: p.id }).expect(200);
      await request(t.http).delete(`/api/products/${p.id}`).set('X-API-Key', ADMIN_KEY).expect(204);
      const res = await update({ sid, pid: p.id, v: 'delete' }).expect(200);
      expect(res.body).toMatchObject({ items: [], removed: [] });
    });

    it.each([
      ['empty sid', { sid: '', pid: 1 }, 'sid'],
      ['sid with a space', { sid: 'a b', pid: 1 }, 'sid'],
      ['sid with a slash', { sid: 'a/b', pid: 1 }, 'sid'],
      ['sid of 129 chars', { sid: 'a'.repeat(129), pid: 1 }, 'sid'],
      ['missing sid', { pid: 1 }, 'sid'],
      ['missing pid', { sid: 'abc' }, 'pid'],
      ['pid not a number', { sid: 'abc', pid: 'x' }, 'pid'],
      ['pid zero', { sid: 'abc', pid: 0 }, 'pid'],
    ])('%s -> 400 naming the field', async (_case, body, field) => {
      const res = await update(body).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('accepts a sid of 128 allowed characters', async () => {
      const p = await createProduct(t);
      const sid = 'Az09._~-'.repeat(16);
      await update({ sid, pid: p.id }).expect(200);
      expect((await view(sid)).body.items).toHaveLength(1);
    });
  });

  describe('GET /api/viewcart (original)', () => {
    it('an unknown sid is an empty cart; ?sid= works too', async () => {
      const empty = { sid: 'nobody-here', items: [], removed: [], coupon: null, notices: [], subtotal: 0, discount: 0, total: 0, itemCount: 0 };
      expect((await view('nobody-here')).body).toEqual(empty);
      expect((await request(t.http).get('/api/viewcart?sid=nobody-here').expect(200)).body).toEqual(empty);
      await request(t.http).get('/api/viewcart?sid=bad%20sid').expect(400);
      await request(t.http).get('/api/viewcart').expect(400);
    });

    it('prices lines in exact cents', async () => {
      const a = await createProduct(t, { price: 19.99, quantity: 10 });
      const b = await createProduct(t, { price: 0.1, quantity: 10 });
      const sid = newSid();
      await update({ sid, pid: a.id, v: 3 }).expect(200);
      const res = await update({ sid, pid: b.id, v: 3 }).expect(200);
      expect(res.body.items.map((i: { lineTotal: number }) => i.lineTotal)).toEqual([59.97, 0.3]);
      expect(res.body).toMatchObject({ subtotal: 60.27, total: 60.27, itemCount: 6 });
    });
  });

  describe('reconciliation with the live catalogue', () => {
    it('a deleted product is dropped from the stored cart and reported once', async () => {
      const keep = await createProduct(t, { price: 1 });
      const gone = await createProduct(t, { price: 5 });
      const sid = newSid();
      await update({ sid, pid: keep.id }).expect(200);
      await update({ sid, pid: gone.id, v: 2 }).expect(200);
      await request(t.http).delete(`/api/products/${gone.id}`).set('X-API-Key', ADMIN_KEY).expect(204);
      const first = await view(sid);
      expect(first.body.removed).toEqual([{ pid: gone.id, reason: 'deleted' }]);
      expect(first.body.items.map((i: { pid: number }) => i.pid)).toEqual([keep.id]);
      expect(first.body.total).toBe(1);
      const second = await view(sid);
      expect(second.body.removed).toEqual([]);
      expect((await t.app.get(CartRepository).getCart(sid)).lines).toMatchObject([{ pid: keep.id, quantity: 1 }]);
    });

    it('a product gone out of stock is marked out_of_stock and left out of the totals', async () => {
      const ok = await createProduct(t, { price: 3, quantity: 10 });
      const sold = await createProduct(t, { price: 7, quantity: 10 });
      const sid = newSid();
      await update({ sid, pid: ok.id, v: 2 }).expect(200);
      await update({ sid, pid: sold.id, v: 2 }).expect(200);
      await setStock(t, sold.id, 0);
      const res = await view(sid);
      expect(res.body.items).toEqual([
        expect.objectContaining({ pid: ok.id, status: 'ok', incart: 2, instock: 10, lineTotal: 6 }),
        expect.objectContaining({ pid: sold.id, status: 'out_of_stock', incart: 2, instock: 0, lineTotal: 14 }),
      ]);
      expect(res.body).toMatchObject({ subtotal: 6, total: 6, removed: [] });
    });

    it('stock now below the cart quantity is insufficient_stock, left out of the totals, and can be lowered', async () => {
      const p = await createProduct(t, { price: 4, quantity: 10 });
      const sid = newSid();
      await update({ sid, pid: p.id, v: 5 }).expect(200);
      await setStock(t, p.id, 3);
      const res = await view(sid);
      expect(res.body.items[0]).toMatchObject({ status: 'insufficient_stock', incart: 5, instock: 3 });
      expect(res.body).toMatchObject({ subtotal: 0, total: 0 });
      const lowered = await update({ sid, pid: p.id, v: 3 }).expect(200);
      expect(lowered.body.items[0]).toMatchObject({ status: 'ok', incart: 3 });
      expect(lowered.body.total).toBe(12);
    });

    it('a view costs one cart read and at most one SQL query, whatever the cart size', async () => {
      const sid = newSid();
      const ids: number[] = [];
      for (let i = 0; i < 25; i++) {
        const p = await createProduct(t);
        ids.push(p.id);
        await update({ sid, pid: p.id }).expect(200);
      }
      const dataSource = t.app.get(DataSource);
      await t.app.get(ProductStockCache).invalidate(ids);
      const queries = jest.spyOn(dataSource.logger, 'logQuery');
      const reads = jest.spyOn(t.app.get(CartRepository), 'getCart');
      // the request's own queries (not the pending-clears refresh, a background read at most once a second)
      const viewQueries = () => queries.mock.calls.filter(([sql]) => !/cart_cleared/.test(String(sql)));
      const res = await view(sid);
      expect(res.body.items).toHaveLength(25);
      expect(viewQueries()).toHaveLength(1);
      expect(reads).toHaveBeenCalledTimes(1);
      // within PRODUCT_CACHE_TTL_MS the products come from the cache
      await view(sid);
      expect(viewQueries()).toHaveLength(1);
      queries.mockRestore();
      reads.mockRestore();
    });
  });

  describe('concurrency', () => {
    it('50 parallel increments are all counted', async () => {
      const p = await createProduct(t, { quantity: 1000 });
      const sid = newSid();
      const results = await Promise.all(Array.from({ length: 50 }, () => update({ sid, pid: p.id })));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect((await view(sid)).body.items[0].incart).toBe(50);
    });

    it('30 parallel increments against stock 10 never pass 10', async () => {
      const p = await createProduct(t, { quantity: 10 });
      const sid = newSid();
      const results = await Promise.all(Array.from({ length: 30 }, () => update({ sid, pid: p.id })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(10);
      expect(results.filter((r) => r.status === 409)).toHaveLength(20);
      expect((await view(sid)).body.items[0].incart).toBe(10);
    });
  });

  describe('resource routes: /api/carts/:sid', () => {
    it('adds, sets, removes and clears', async () => {
      const a = await createProduct(t, { price: 1.5, quantity: 5 });
      const b = await createProduct(t, { price: 2, quantity: 5 });
      const sid = newSid();
      const base = `/api/carts/${sid}`;
      expect((await request(t.http).post(`${base}/items`).send({ pid: a.id }).expect(200)).body.items[0].incart).toBe(1);
      expect((await request(t.http).post(`${base}/items`).send({ pid: a.id, quantity: 2 }).expect(200)).body.items[0].incart).toBe(3);
      await request(t.http).post(`${base}/items`).send({ pid: b.id, quantity: 1 }).expect(200);
      const set = await request(t.http).put(`${base}/items/${b.id}`).send({ quantity: 4 }).expect(200);
      expect(set.body).toMatchObject({ subtotal: 12.5, itemCount: 7 });
      const over = await request(t.http).put(`${base}/items/${b.id}`).send({ quantity: 6 }).expect(409);
      expect(over.body).toMatchObject({ code: 'out_of_stock', instock: 5 });
      await request(t.http).post(`${base}/items`).send({ pid: a.id, quantity: 3 }).expect(409);
      const zero = await request(t.http).put(`${base}/items/${b.id}`).send({ quantity: 0 }).expect(200);
      expect(zero.body.items.map((i: { pid: number }) => i.pid)).toEqual([a.id]);
      const removed = await request(t.http).delete(`${base}/items/${a.id}`).expect(200);
      expect(removed.body.items).toEqual([]);
      await request(t.http).post(`${base}/items`).send({ pid: a.id }).expect(200);
      await request(t.http).delete(base).expect(204);
      expect((await request(t.http).get(base).expect(200)).body.items).toEqual([]);
    });

    it('validates its input', async () => {
      const sid = newSid();
      expect((await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: 1, quantity: 0 }).expect(400)).body.details[0].field).toBe('quantity');
      expect((await request(t.http).post(`/api/carts/${sid}/items`).send({}).expect(400)).body.details[0].field).toBe('pid');
      expect((await request(t.http).put(`/api/carts/${sid}/items/1`).send({}).expect(400)).body.details[0].field).toBe('quantity');
      expect((await request(t.http).put(`/api/carts/${sid}/items/x`).send({ quantity: 1 }).expect(400)).body.details[0].field).toBe('pid');
      expect((await request(t.http).get(`/api/carts/${'a'.repeat(129)}`).expect(400)).body.details[0].field).toBe('sid');
      expect((await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: 999999 }).expect(404)).body.code).toBe('product_not_found');
    });
  });

  describe('POST /api/sessions', () => {
    it('returns fresh random sids of at least 128 bits that the cart routes accept', async () => {
      const sids = await Promise.all(Array.from({ length: 20 }, async () => (await request(t.http).post('/api/sessions').expect(201)).body.sid as string));
      expect(new Set(sids).size).toBe(20);
      for (const sid of sids) {
        expect(sid).toMatch(/^[A-Za-z0-9_-]{22,128}$/);
        expect(Buffer.from(sid, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      }
      await request(t.http).get(`/api/carts/${sids[0]}`).expect(200);
    });
  });
});
