import request from 'supertest';
import { DataSource } from 'typeorm';
import { createCoupon } from './factories/coupon.factory';
import { createProduct, ProductJson } from './factories/product.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

let seq = 0;
const newSid = () => `money-${Date.now().toString(36)}-${++seq}`;

/** Issue 9, section 2: what the buyer saw is what the buyer pays (the coupon scope attack is in coupons.e2e-spec.ts). */
describe('Money (e2e, Postgres + Redis)', () => {
  let t: TestApp;
  const admin = { 'X-API-Key': ADMIN_KEY };

  beforeAll(async () => {
    t = await startTestApp('money');
  });
  afterAll(() => t.close());

  const view = async (sid: string) => (await request(t.http).get(`/api/carts/${sid}`).expect(200)).body;
  const add = (sid: string, pid: number, quantity = 1) => request(t.http).post(`/api/carts/${sid}/items`).send({ pid, quantity });
  const checkout = (sid: string, body?: object) => request(t.http).post(`/api/carts/${sid}/checkout`).send(body);
  const setPrice = (pid: number, price: number) => request(t.http).patch(`/api/products/${pid}`).set(admin).send({ price }).expect(200);
  const stockOf = async (pid: number) => (await request(t.http).get(`/api/products/${pid}`).expect(200)).body.quantity as number;
  const ordersOf = async (sid: string) => Number((await t.app.get(DataSource).query('SELECT count(*) AS n FROM orders WHERE sid = $1', [sid]))[0].n);

  describe('the price the buyer saw', () => {
    it('a price that moved since the last view is named once in notices, then remembered', async () => {
      const p = await createProduct(t, { name: 'Chair', price: 24, quantity: 10 });
      const sid = newSid();
      expect((await add(sid, p.id).expect(200)).body).toMatchObject({ notices: [], total: 24 });
      expect((await view(sid)).notices).toEqual([]);

      await setPrice(p.id, 26.4);
      const moved = await view(sid);
      expect(moved.notices).toEqual([
        { code: 'price_changed', pid: p.id, from: 24, to: 26.4, message: 'The price of Chair changed from 24.00 to 26.40 since the cart was last shown' },
      ]);
      expect(moved).toMatchObject({ items: [{ pid: p.id, price: 26.4 }], total: 26.4 });
      expect((await view(sid)).notices).toEqual([]);

      // the original route names it too, and so does the view a write answers with
      await setPrice(p.id, 25);
      expect((await request(t.http).get(`/api/viewcart/${sid}`).expect(200)).body.notices).toEqual([expect.objectContaining({ code: 'price_changed', from: 26.4, to: 25 })]);
      await setPrice(p.id, 30);
      const added = await request(t.http).post('/api/updatecart').send({ sid, pid: p.id }).expect(200);
      expect(added.body).toMatchObject({ notices: [{ code: 'price_changed', pid: p.id, from: 25, to: 30 }], total: 60 });
      expect((await view(sid)).notices).toEqual([]);
    });

    it('a line remembers the price its add saw: a change before the first view is named by it', async () => {
      const p = await createProduct(t, { price: 10 });
      const sid = newSid();
      await add(sid, p.id, 2).expect(200);
      await setPrice(p.id, 12.5);
      expect((await view(sid)).notices).toEqual([expect.objectContaining({ code: 'price_changed', pid: p.id, from: 10, to: 12.5 })]);
    });
  });

  describe('checkout with expectedTotal', () => {
    it('attack: a price raised after the last view (24 shown, 237.60 charged) is refused with 409 total_changed; nothing charged; the next view names it', async () => {
      const p = await createProduct(t, { name: 'Bucket', price: 2.4, quantity: 50 });
      const sid = newSid();
      await add(sid, p.id, 10).expect(200);
      expect((await view(sid)).total).toBe(24);

      await setPrice(p.id, 23.76); // behind the buyer's back
      const refused = await checkout(sid, { expectedTotal: 24 }).expect(409);
      expect(refused.body).toMatchObject({
        statusCode: 409,
        code: 'total_changed',
        message: expect.stringContaining('237.60'),
        details: {
          sid,
          items: [{ pid: p.id, price: 23.76, incart: 10, lineTotal: 237.6 }],
          notices: [{ code: 'price_changed', pid: p.id, from: 2.4, to: 23.76 }],
          subtotal: 237.6,
          total: 237.6,
        },
      });
      expect(await stockOf(p.id)).toBe(50);
      expect(await ordersOf(sid)).toBe(0);

      // the cart is kept, and the buyer's next view names the change (the refusal wrote nothing)
      const next = await view(sid);
      expect(next).toMatchObject({ items: [{ pid: p.id, incart: 10 }], total: 237.6, notices: [{ code: 'price_changed', from: 2.4, to: 23.76 }] });
      // agreeing to the new total places the order
      const placed = await checkout(sid, { expectedTotal: 237.6 }).expect(201);
      expect(placed.body).toMatchObject({ total: 237.6, items: [{ pid: p.id, price: 23.76, quantity: 10 }] });
      expect(await stockOf(p.id)).toBe(40);
    });

    it('a coupon made less generous after the view is a changed total too', async () => {
      const p = await createProduct(t, { price: 10, quantity: 5 });
      const c = await createCoupon(t, { multiplier: 0.5, appliesTo: 'cart' });
      const sid = newSid();
      await add(sid, p.id, 2).expect(200);
      expect((await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200)).body.total).toBe(10);
      await request(t.http).patch(`/api/coupons/${c.code}`).set(admin).send({ multiplier: 0.9 }).expect(200);
      const refused = await checkout(sid, { expectedTotal: 10 }).expect(409);
      expect(refused.body).toMatchObject({ code: 'total_changed', details: { coupon: { code: c.code }, discount: 2, total: 18 } });
      expect((await request(t.http).get(`/api/coupons/${c.code}`).set(admin).expect(200)).body.redemptions).toBe(0);
      expect(await stockOf(p.id)).toBe(5);
    });

    it('the expected total, as JSON or as a form, places the order; without it the checkout charges the current total as before', async () => {
      const p = await createProduct(t, { price: 19.99, quantity: 10 });
      const json = newSid();
      await add(json, p.id, 3).expect(200);
      expect((await checkout(json, { expectedTotal: 59.97 }).expect(201)).body.total).toBe(59.97);
      const form = newSid();
      await add(form, p.id, 1).expect(200);
      expect((await request(t.http).post(`/api/carts/${form}/checkout`).type('form').send('expectedTotal=19.99').expect(201)).body.total).toBe(19.99);
      const none = newSid();
      await add(none, p.id, 1).expect(200);
      expect((await request(t.http).post(`/api/carts/${none}/checkout`).expect(201)).body.total).toBe(19.99);
    });

    it.each([
      ['not a number', 'twenty'],
      ['negative', -1],
      ['three decimals', 24.001],
      ['null', null],
      ['above the limit', 10_000_000_000_000],
    ])('refuses an expectedTotal that is %s with 400 naming it; nothing charged', async (_case, expectedTotal) => {
      const p = await createProduct(t, { quantity: 5 });
      const sid = newSid();
      await add(sid, p.id).expect(200);
      const res = await checkout(sid, { expectedTotal }).expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'expectedTotal' }] });
      expect(await stockOf(p.id)).toBe(5);
    });
  });

  describe('totals exact at any allowed size', () => {
    /** The finding: 91 lines of 999,999.99 x 999,999. */
    const PRICE = 999_999.99;
    const QTY = 999_999;
    const products = async (n: number, price: number): Promise<ProductJson[]> => {
      const made: ProductJson[] = [];
      for (let i = 0; i < n; i++) made.push(await createProduct(t, { price, quantity: QTY }));
      return made;
    };

    it('attack: 91 lines of 999,999.99 x 999,999 — from the 11th the cart refuses with 422 cart_total_too_large; what fits is exact and checks out', async () => {
      const big = await products(91, PRICE);
      const sid = newSid();
      for (const p of big.slice(0, 10)) await add(sid, p.id, QTY).expect(200);
      for (const p of big.slice(10)) {
        const res = await add(sid, p.id, QTY).expect(422);
        expect(res.body).toMatchObject({ code: 'cart_total_too_large', details: { limit: 9_999_999_999_999.99, pid: p.id } });
      }
      // the original route and a quantity change are held to the same limit
      expect((await request(t.http).post('/api/updatecart').send({ sid, pid: big[10].id, v: QTY }).expect(422)).body.code).toBe('cart_total_too_large');
      expect((await request(t.http).put(`/api/carts/${sid}/items/${big[10].id}`).send({ quantity: QTY }).expect(422)).body.code).toBe('cart_total_too_large');

      // 10 x 999,998,990,000.01, to the cent (a double sum of 91 such lines was one cent off)
      const cart = await view(sid);
      expect(cart.items).toHaveLength(10);
      expect(cart).toMatchObject({ subtotal: 9_999_989_900_000.1, discount: 0, total: 9_999_989_900_000.1, notices: [] });
      expect(cart.items[0].lineTotal).toBe(999_998_990_000.01);

      const order = await checkout(sid, { expectedTotal: 9_999_989_900_000.1 }).expect(201);
      expect(order.body).toMatchObject({ subtotal: 9_999_989_900_000.1, total: 9_999_989_900_000.1 });
      const [row] = await t.app.get(DataSource).query('SELECT subtotal_cents, total_cents FROM orders WHERE id = $1', [order.body.id]);
      expect(row).toEqual({ subtotal_cents: '999998990000010', total_cents: '999998990000010' });
      expect((await request(t.http).get(`/api/orders/${order.body.id}`).set(admin).expect(200)).body.total).toBe(9_999_989_900_000.1);
    });

    it('a cart taken over the limit by price rises (not by the buyer): named in the view; checkout refuses with 422, never a 500; lowering lines fixes it', async () => {
      const lines = await products(91, 1);
      const sid = newSid();
      for (const p of lines) await add(sid, p.id, QTY).expect(200);
      for (const p of lines) await setPrice(p.id, PRICE);

      const cart = await view(sid);
      expect(cart.notices).toContainEqual({ code: 'cart_total_too_large', limit: 9_999_999_999_999.99, message: expect.any(String) });
      for (const body of [undefined, { expectedTotal: 1 }]) {
        const res = await checkout(sid, body).expect(422);
        expect(res.body).toMatchObject({ code: 'cart_total_too_large', details: { limit: 9_999_999_999_999.99 } });
      }
      expect(await ordersOf(sid)).toBe(0);
      expect(await stockOf(lines[0].id)).toBe(QTY);

      // lowering is always allowed, even above the limit; once within it the cart checks out exactly
      for (const p of lines.slice(10)) await request(t.http).put(`/api/carts/${sid}/items/${p.id}`).send({ quantity: 0 }).expect(200);
      const within = await view(sid);
      expect(within).toMatchObject({ subtotal: 9_999_989_900_000.1 });
      expect(within.notices.filter((n: { code: string }) => n.code === 'cart_total_too_large')).toEqual([]);
      expect((await checkout(sid, { expectedTotal: 9_999_989_900_000.1 }).expect(201)).body.total).toBe(9_999_989_900_000.1);
    });
  });
});
