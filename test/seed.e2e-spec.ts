import request from 'supertest';
import { DataSource } from 'typeorm';
import { DEMO_PRODUCTS, seed } from '../src/database/seed';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

describe('npm run seed (e2e, Postgres + Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('seed');
  });
  afterAll(() => t.close());

  it("loads the demo products and the original shop's flat20 on product 1, idempotently", async () => {
    const ds = t.app.get(DataSource);
    const first = await seed(ds);
    expect(first).toHaveLength(DEMO_PRODUCTS.length + 1);
    expect(first.every((l) => l.endsWith(': created'))).toBe(true);
    const again = await seed(ds);
    expect(again.every((l) => l.endsWith(': already there'))).toBe(true);
    expect((await request(t.http).get('/api/products').expect(200)).body.total).toBe(DEMO_PRODUCTS.length);

    const flat20 = (await request(t.http).get('/api/coupons/flat20').set('X-API-Key', ADMIN_KEY).expect(200)).body;
    expect(flat20).toMatchObject({ code: 'flat20', name: 'Flat 20% off on plastic goods', multiplier: 0.8, upto: 0, flatoff: 0, products: [1] });
    await request(t.http).post('/api/updatecart').send({ sid: 'seeded', pid: 1, v: 2 }).expect(200);
    const res = await request(t.http).post('/api/carts/seeded/coupon').send({ code: 'FLAT20' }).expect(200);
    expect(res.body).toMatchObject({ subtotal: 9.98, discount: 2, total: 7.98, coupon: { code: 'flat20' } });
  });
});
