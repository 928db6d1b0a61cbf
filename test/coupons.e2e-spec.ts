import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProductStockCache } from '../src/products/product-stock.cache';
import { createCoupon, makeCoupon } from './factories/coupon.factory';
import { createProduct, setStock } from './factories/product.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

let seq = 0;
const newSid = () => `coupon-sid-${Date.now().toString(36)}-${++seq}`;

describe('Coupons (e2e, Postgres + Redis)', () => {
  let t: TestApp;
  const admin = { 'X-API-Key': ADMIN_KEY };

  beforeAll(async () => {
    t = await startTestApp('coupons');
  });
  afterAll(() => t.close());

  describe('admin API', () => {
    it("creates the original shop's flat20 example and reads it back, by any case", async () => {
      const p = await createProduct(t, { name: 'Plastic bucket' });
      const res = await request(t.http)
        .post('/api/coupons')
        .set(admin)
        .send({ code: 'flat20', name: 'Flat 20% off on plastic goods', multiplier: 0.8, upto: 0, flatoff: 0, products: [p.id] })
        .expect(201);
      expect(res.body).toEqual({
        code: 'flat20',
        name: 'Flat 20% off on plastic goods',
        multiplier: 0.8,
        upto: 0,
        flatoff: 0,
        startsAt: null,
        expiresAt: null,
        maxRedemptions: null,
        redemptions: 0,
        active: true,
        appliesTo: 'products',
        products: [p.id],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await request(t.http).get('/api/coupons/FLAT20').set(admin).expect(200)).body.code).toBe('flat20');
      const dup = await request(t.http).post('/api/coupons').set(admin).send(makeCoupon({ code: 'Flat20' })).expect(409);
      expect(dup.body).toMatchObject({ statusCode: 409, code: 'coupon_code_taken' });
    });

    it.each([
      ['code with a space', { code: 'a b' }, 'code'],
      ['code over 64 chars', { code: 'x'.repeat(65) }, 'code'],
      ['missing name', { name: undefined }, 'name'],
      ['multiplier 0', { multiplier: 0 }, 'multiplier'],
      ['multiplier above 1', { multiplier: 1.5 }, 'multiplier'],
      ['multiplier with 5 decimals', { multiplier: 0.12345 }, 'multiplier'],
      ['multiplier in exponent form', { multiplier: 1e-7 }, 'multiplier'],
      ['negative upto', { upto: -1 }, 'upto'],
      ['flatoff with 3 decimals', { flatoff: 1.234 }, 'flatoff'],
      ['startsAt not a date', { startsAt: 'soon' }, 'startsAt'],
      // dates the probe found stored shifted or answered with a 500: only real ISO 8601 instants, 2000-2100
      ['startsAt on 30 February', { startsAt: '2026-02-30T00:00:00Z' }, 'startsAt'],
      ['startsAt a date without a time and zone', { startsAt: '2026-02-28' }, 'startsAt'],
      ['startsAt true', { startsAt: true }, 'startsAt'],
      ['startsAt 0', { startsAt: 0 }, 'startsAt'],
      ['expiresAt in year -4714', { expiresAt: '-004714-11-24T00:00:00Z' }, 'expiresAt'],
      ['expiresAt in year 9999', { expiresAt: '9999-12-31T23:59:59Z' }, 'expiresAt'],
      ['expiresAt at 25 o\'clock', { expiresAt: '2027-01-01T25:00:00Z' }, 'expiresAt'],
      ['expiresAt with an offset of +24:00', { expiresAt: '2027-01-01T00:00:00+24:00' }, 'expiresAt'],
      ['expiresAt before startsAt', { startsAt: '2027-01-02T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z' }, 'expiresAt'],
      ['maxRedemptions 0', { maxRedemptions: 0 }, 'maxRedemptions'],
      ['active not a boolean', { active: 'yes' }, 'active'],
      ['a product id of 0', { products: [0] }, 'products'],
      ['products not a list', { products: 3 }, 'products'],
      ['a product listed twice', { products: [1, 1] }, 'products'],
      ['an unknown scope', { appliesTo: 'everything' }, 'appliesTo'],
      ['a null scope', { appliesTo: null }, 'appliesTo'],
    ] as [string, Record<string, unknown>, string][])('refuses %s with 400 naming the field', async (_case, changes, field) => {
      const res = await request(t.http).post('/api/coupons').set(admin).send({ ...makeCoupon(), ...changes }).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('stores an instant given with an offset as that instant', async () => {
      const res = await request(t.http).post('/api/coupons').set(admin).send(makeCoupon({ startsAt: '2027-01-01T02:00:00+02:00', expiresAt: '2027-06-01T00:00:00.5Z' })).expect(201);
      expect(res.body).toMatchObject({ startsAt: '2027-01-01T00:00:00.000Z', expiresAt: '2027-06-01T00:00:00.500Z' });
      await request(t.http).patch(`/api/coupons/${res.body.code}`).set(admin).send({ startsAt: '2027-02-29T00:00:00Z' }).expect(400);
    });

    it('refuses an unknown product with 404 and creates nothing', async () => {
      const body = makeCoupon({ products: [987654] });
      const res = await request(t.http).post('/api/coupons').set(admin).send(body).expect(404);
      expect(res.body.code).toBe('product_not_found');
      await request(t.http).get(`/api/coupons/${body.code}`).set(admin).expect(404);
    });

    it('lists coupons in pages', async () => {
      const a = await createCoupon(t);
      const b = await createCoupon(t);
      const all = await request(t.http).get('/api/coupons?limit=100').set(admin).expect(200);
      const codes = all.body.items.map((c: { code: string }) => c.code);
      expect(codes).toEqual(expect.arrayContaining([a.code, b.code]));
      expect(all.body.total).toBe(codes.length);
      const page = await request(t.http).get(`/api/coupons?limit=1&offset=${codes.indexOf(b.code)}`).set(admin).expect(200);
      expect(page.body.items.map((c: { code: string }) => c.code)).toEqual([b.code]);
    });

    it('patches fields; null clears the dates and the limit; unknown code -> 404', async () => {
      const c = await createCoupon(t, { expiresAt: '2030-01-01T00:00:00.000Z', maxRedemptions: 5 });
      const res = await request(t.http).patch(`/api/coupons/${c.code.toLowerCase()}`).set(admin).send({ name: 'Renamed', multiplier: 0.75, flatoff: 2.5, upto: 10 }).expect(200);
      expect(res.body).toMatchObject({ code: c.code, name: 'Renamed', multiplier: 0.75, flatoff: 2.5, upto: 10, expiresAt: '2030-01-01T00:00:00.000Z', maxRedemptions: 5 });
      const cleared = await request(t.http).patch(`/api/coupons/${c.code}`).set(admin).send({ expiresAt: null, maxRedemptions: null }).expect(200);
      expect(cleared.body).toMatchObject({ expiresAt: null, maxRedemptions: null });
      await request(t.http).patch(`/api/coupons/${c.code}`).set(admin).send({ name: null }).expect(400);
      await request(t.http).patch(`/api/coupons/${c.code}`).set(admin).send({ startsAt: '2031-01-01T00:00:00Z', expiresAt: '2030-01-01T00:00:00Z' }).expect(400);
      expect((await request(t.http).patch('/api/coupons/nope').set(admin).send({ name: 'x' }).expect(404)).body.code).toBe('coupon_not_found');
    });

    it('attaches and detaches products, idempotently; unknown code or product -> 404', async () => {
      const c = await createCoupon(t);
      const p1 = await createProduct(t);
      const p2 = await createProduct(t);
      await request(t.http).put(`/api/coupons/${c.code}/products/${p2.id}`).set(admin).expect(200);
      const both = await request(t.http).put(`/api/coupons/${c.code}/products/${p1.id}`).set(admin).expect(200);
      expect(both.body.products).toEqual([p1.id, p2.id]);
      expect((await request(t.http).put(`/api/coupons/${c.code}/products/${p1.id}`).set(admin).expect(200)).body.products).toEqual([p1.id, p2.id]);
      expect((await request(t.http).delete(`/api/coupons/${c.code}/products/${p1.id}`).set(admin).expect(200)).body.products).toEqual([p2.id]);
      expect((await request(t.http).delete(`/api/coupons/${c.code}/products/${p1.id}`).set(admin).expect(200)).body.products).toEqual([p2.id]);
      expect((await request(t.http).put(`/api/coupons/${c.code}/products/987654`).set(admin).expect(404)).body.code).toBe('product_not_found');
      expect((await request(t.http).put(`/api/coupons/nope/products/${p1.id}`).set(admin).expect(404)).body.code).toBe('coupon_not_found');
      await request(t.http).put(`/api/coupons/${c.code}/products/abc`).set(admin).expect(400);
      // deleting a product detaches it
      await request(t.http).delete(`/api/products/${p2.id}`).set(admin).expect(204);
      expect((await request(t.http).get(`/api/coupons/${c.code}`).set(admin).expect(200)).body.products).toEqual([]);
    });

    describe('appliesTo: the whole cart or its products', () => {
      it('defaults to products; cart may be chosen; both are returned and may be patched', async () => {
        expect((await createCoupon(t)).appliesTo).toBe('products');
        const wide = await createCoupon(t, { appliesTo: 'cart' });
        expect(wide).toMatchObject({ appliesTo: 'cart', products: [] });
        const narrowed = await request(t.http).patch(`/api/coupons/${wide.code}`).set(admin).send({ appliesTo: 'products' }).expect(200);
        expect(narrowed.body).toMatchObject({ appliesTo: 'products', products: [] });
        const widened = await request(t.http).patch(`/api/coupons/${wide.code}`).set(admin).send({ appliesTo: 'cart' }).expect(200);
        expect(widened.body.appliesTo).toBe('cart');
        expect((await request(t.http).get(`/api/coupons/${wide.code}`).set(admin).expect(200)).body.appliesTo).toBe('cart');
      });

      it('a cart coupon has no products: each way of combining them is 422 coupon_scope_conflict and changes nothing', async () => {
        const p = await createProduct(t);
        const body = makeCoupon({ appliesTo: 'cart', products: [p.id] });
        const created = await request(t.http).post('/api/coupons').set(admin).send(body).expect(422);
        expect(created.body).toMatchObject({ code: 'coupon_scope_conflict', details: { code: body.code, appliesTo: 'cart', products: [p.id] } });
        await request(t.http).get(`/api/coupons/${body.code}`).set(admin).expect(404);

        const wide = await createCoupon(t, { appliesTo: 'cart' });
        const attached = await request(t.http).put(`/api/coupons/${wide.code}/products/${p.id}`).set(admin).expect(422);
        expect(attached.body.code).toBe('coupon_scope_conflict');
        expect((await request(t.http).get(`/api/coupons/${wide.code}`).set(admin).expect(200)).body.products).toEqual([]);

        const narrow = await createCoupon(t, { products: [p.id] });
        const patched = await request(t.http).patch(`/api/coupons/${narrow.code}`).set(admin).send({ appliesTo: 'cart', name: 'Wider' }).expect(422);
        expect(patched.body).toMatchObject({ code: 'coupon_scope_conflict', details: { products: [p.id] } });
        expect((await request(t.http).get(`/api/coupons/${narrow.code}`).set(admin).expect(200)).body).toMatchObject({ appliesTo: 'products', name: narrow.name });
        // detached first, it may become a cart coupon
        await request(t.http).delete(`/api/coupons/${narrow.code}/products/${p.id}`).set(admin).expect(200);
        await request(t.http).patch(`/api/coupons/${narrow.code}`).set(admin).send({ appliesTo: 'cart' }).expect(200);
      });

      it('a scope change racing a product attach: never a cart coupon with products', async () => {
        for (let round = 0; round < 5; round++) {
          const p = await createProduct(t);
          const c = await createCoupon(t);
          const [patched, attached] = await Promise.all([
            request(t.http).patch(`/api/coupons/${c.code}`).set(admin).send({ appliesTo: 'cart' }),
            request(t.http).put(`/api/coupons/${c.code}/products/${p.id}`).set(admin),
          ]);
          expect([patched.status, attached.status].sort()).toEqual([200, 422]);
          const now = (await request(t.http).get(`/api/coupons/${c.code}`).set(admin).expect(200)).body;
          expect([now.appliesTo, now.products]).toEqual(patched.status === 200 ? ['cart', []] : ['products', [p.id]]);
        }
      });
    });

    it('deletes; then 404', async () => {
      const c = await createCoupon(t);
      await request(t.http).delete(`/api/coupons/${c.code}`).set(admin).expect(204);
      await request(t.http).get(`/api/coupons/${c.code}`).set(admin).expect(404);
      expect((await request(t.http).delete(`/api/coupons/${c.code}`).set(admin).expect(404)).body.code).toBe('coupon_not_found');
      expect((await request(t.http).get('/api/coupons/bad%20code').set(admin).expect(400)).body.details[0].field).toBe('code');
    });

    it('every coupon admin route needs the key', async () => {
      const calls = [
        request(t.http).post('/api/coupons').send(makeCoupon()),
        request(t.http).get('/api/coupons'),
        request(t.http).get('/api/coupons/x'),
        request(t.http).patch('/api/coupons/x').send({ name: 'y' }),
        request(t.http).delete('/api/coupons/x'),
        request(t.http).put('/api/coupons/x/products/1'),
        request(t.http).delete('/api/coupons/x/products/1'),
      ];
      for (const res of await Promise.all(calls)) expect([res.status, res.body.code]).toEqual([401, 'unauthorized']);
    });
  });

  describe('in the cart', () => {
    const add = (sid: string, pid: number, quantity: number) => request(t.http).post(`/api/carts/${sid}/items`).send({ pid, quantity }).expect(200);
    const apply = (sid: string, code: string) => request(t.http).post(`/api/carts/${sid}/coupon`).send({ code });

    it("prices the issue's example in every view, the original viewcart included", async () => {
      const a = await createProduct(t, { price: 10 });
      const b = await createProduct(t, { price: 5 });
      const c = await createCoupon(t, { name: '20% off A', multiplier: 0.8, products: [a.id] });
      const sid = newSid();
      await add(sid, a.id, 3);
      await add(sid, b.id, 1);
      const res = await apply(sid, c.code.toLowerCase()).expect(200);
      expect(res.body).toMatchObject({ coupon: { code: c.code, name: '20% off A' }, notices: [], subtotal: 35, discount: 6, total: 29 });
      expect(res.body.items.map((i: { pid: number; lineDiscount: number }) => [i.pid, i.lineDiscount])).toEqual([[a.id, 6], [b.id, 0]]);
      const legacy = await request(t.http).get(`/api/viewcart/${sid}`).expect(200);
      expect(legacy.body).toMatchObject({ coupon: { code: c.code }, subtotal: 35, discount: 6, total: 29 });
      const changed = await request(t.http).post('/api/updatecart').send({ sid, pid: a.id, v: 1 }).expect(200);
      expect(changed.body).toMatchObject({ subtotal: 15, discount: 2, total: 13 });
    });

    it('spreads a whole-cart discount over lines, adding up exactly, and skips lines not ok', async () => {
      const a = await createProduct(t, { price: 0.1, quantity: 50 });
      const b = await createProduct(t, { price: 0.1, quantity: 50 });
      const gone = await createProduct(t, { price: 100, quantity: 5 });
      const c = await createCoupon(t, { multiplier: 1, flatoff: 0.01, appliesTo: 'cart' });
      const sid = newSid();
      await add(sid, a.id, 1);
      await add(sid, b.id, 1);
      await add(sid, gone.id, 2);
      await setStock(t, gone.id, 0);
      const res = await apply(sid, c.code).expect(200);
      expect(res.body).toMatchObject({ subtotal: 0.2, discount: 0.01, total: 0.19 });
      expect(res.body.items.map((i: { lineDiscount: number }) => i.lineDiscount)).toEqual([0.01, 0, 0]);
    });

    it('may be applied before it covers anything; another coupon replaces it; DELETE takes it off', async () => {
      const p = await createProduct(t, { price: 20 });
      const other = await createProduct(t);
      const narrow = await createCoupon(t, { multiplier: 0.5, products: [other.id] });
      const wide = await createCoupon(t, { multiplier: 0.5, appliesTo: 'cart' });
      const sid = newSid();
      await add(sid, p.id, 1);
      expect((await apply(sid, narrow.code).expect(200)).body).toMatchObject({ coupon: { code: narrow.code }, discount: 0, total: 20 });
      expect((await apply(sid, wide.code).expect(200)).body).toMatchObject({ coupon: { code: wide.code }, discount: 10, total: 10 });
      const off = await request(t.http).delete(`/api/carts/${sid}/coupon`).expect(200);
      expect(off.body).toMatchObject({ coupon: null, discount: 0, total: 20 });
      const empty = newSid();
      expect((await apply(empty, wide.code).expect(200)).body).toMatchObject({ items: [], coupon: { code: wide.code }, total: 0 });
    });

    it.each([
      ['detached', (code: string, pid: number) => request(t.http).delete(`/api/coupons/${code}/products/${pid}`).set(admin).expect(200)],
      ['deleted', (_code: string, pid: number) => request(t.http).delete(`/api/products/${pid}`).set(admin).expect(204)],
    ])('attack: a coupon whose last product is %s covers nothing, not the whole cart (views and checkout)', async (_case, loseProduct) => {
      const target = await createProduct(t, { price: 30 });
      const other = await createProduct(t, { price: 40, quantity: 5 });
      const c = await createCoupon(t, { multiplier: 0.5, products: [target.id] });
      const sid = newSid();
      await add(sid, other.id, 2);
      expect((await apply(sid, c.code).expect(200)).body).toMatchObject({ subtotal: 80, discount: 0, total: 80 });

      await loseProduct(c.code, target.id);
      expect((await request(t.http).get(`/api/coupons/${c.code}`).set(admin).expect(200)).body).toMatchObject({ appliesTo: 'products', products: [] });
      // before: 50% off the whole cart (total 40); now nothing
      const view = await request(t.http).get(`/api/carts/${sid}`).expect(200);
      expect(view.body).toMatchObject({ coupon: { code: c.code }, subtotal: 80, discount: 0, total: 80 });
      expect(view.body.items.map((i: { lineDiscount: number }) => i.lineDiscount)).toEqual([0]);
      const order = await request(t.http).post(`/api/carts/${sid}/checkout`).send({ expectedTotal: 80 }).expect(201);
      expect(order.body).toMatchObject({ subtotal: 80, discount: 0, total: 80, coupon: null });
      expect((await request(t.http).get(`/api/coupons/${c.code}`).set(admin).expect(200)).body.redemptions).toBe(0);
    });

    it('refuses unknown, inactive, not started, expired and used-up coupons', async () => {
      const sid = newSid();
      expect((await apply(sid, 'no-such-coupon').expect(404)).body.code).toBe('coupon_not_found');
      const cases: [Parameters<typeof createCoupon>[1], string][] = [
        [{ active: false }, 'inactive'],
        [{ startsAt: '2099-01-01T00:00:00Z' }, 'not_started'],
        [{ expiresAt: '2020-01-01T00:00:00Z' }, 'expired'],
      ];
      for (const [fields, reason] of cases) {
        const c = await createCoupon(t, fields);
        const res = await apply(sid, c.code).expect(422);
        expect(res.body).toMatchObject({ statusCode: 422, code: 'coupon_not_applicable', details: { reason } });
      }
      const usedUp = await createCoupon(t, { maxRedemptions: 2 });
      await t.app.get(DataSource).query('UPDATE coupon SET redemptions = 2 WHERE code = $1', [usedUp.code]);
      expect((await apply(sid, usedUp.code).expect(422)).body.details.reason).toBe('used_up');
      expect((await request(t.http).get(`/api/carts/${sid}`).expect(200)).body.coupon).toBeNull();
      expect((await apply(sid, '').expect(400)).body.details[0].field).toBe('code');
      expect((await apply(sid, 'a\u0000').expect(400)).body.details[0].field).toBe('code');
    });

    it.each([
      ['deactivated', (code: string) => request(t.http).patch(`/api/coupons/${code}`).set(admin).send({ active: false }).expect(200), 'inactive'],
      ['expired', (code: string) => request(t.http).patch(`/api/coupons/${code}`).set(admin).send({ expiresAt: new Date(Date.now() - 1000).toISOString() }).expect(200), 'expired'],
      ['deleted', (code: string) => request(t.http).delete(`/api/coupons/${code}`).set(admin).expect(204), 'deleted'],
    ])('a coupon %s after it was applied is dropped at the next view, named once in notices', async (_case, change, reason) => {
      const p = await createProduct(t, { price: 10 });
      const c = await createCoupon(t, { multiplier: 0.5, appliesTo: 'cart' });
      const sid = newSid();
      await add(sid, p.id, 1);
      await apply(sid, c.code).expect(200);
      await change(c.code);
      const first = await request(t.http).get(`/api/viewcart/${sid}`).expect(200);
      expect(first.body).toMatchObject({ coupon: null, discount: 0, total: 10, notices: [{ code: 'coupon_dropped', coupon: c.code, reason }] });
      const second = await request(t.http).get(`/api/viewcart/${sid}`).expect(200);
      expect(second.body).toMatchObject({ coupon: null, notices: [] });
    });

    it('a view with a coupon costs one cart read and two SQL queries, whatever the cart size', async () => {
      const sid = newSid();
      const ids: number[] = [];
      for (let i = 0; i < 20; i++) {
        const p = await createProduct(t);
        ids.push(p.id);
        await add(sid, p.id, 1);
      }
      const c = await createCoupon(t, { multiplier: 0.9, products: ids.slice(0, 10) });
      await apply(sid, c.code).expect(200);
      await t.app.get(ProductStockCache).invalidate(ids);
      const queries = jest.spyOn(t.app.get(DataSource).logger, 'logQuery');
      const res = await request(t.http).get(`/api/viewcart/${sid}`).expect(200);
      expect(res.body.discount).toBe(10);
      // not counting the pending-clears refresh, a background read at most once a second
      expect(queries.mock.calls.filter(([sql]) => !/cart_cleared/.test(String(sql)))).toHaveLength(2);
      queries.mockRestore();
    });
  });
});
