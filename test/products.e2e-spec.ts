import request from 'supertest';
import { createProduct, makeProduct } from './factories/product.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

describe('Products (e2e, Postgres + Redis)', () => {
  let t: TestApp;
  const admin = () => ({ 'X-API-Key': ADMIN_KEY });

  beforeAll(async () => {
    t = await startTestApp('products');
  });
  afterAll(() => t.close());

  describe('original routes: /api/crudproducts', () => {
    it('POST creates a product -> 201 with id, name, price, quantity', async () => {
      const res = await request(t.http).post('/api/crudproducts').set(admin()).send({ name: 'Plastic chair', price: 19.99, quantity: 5 }).expect(201);
      expect(res.body).toMatchObject({ id: expect.any(Number), name: 'Plastic chair', price: 19.99, quantity: 5 });
      const read = await request(t.http).get(`/api/products/${res.body.id}`).expect(200);
      expect(read.body).toMatchObject({ name: 'Plastic chair', price: 19.99, quantity: 5 });
    });

    it('POST accepts a form body with numeric strings', async () => {
      const res = await request(t.http).post('/api/crudproducts').set(admin()).type('form').send({ name: 'Bucket', price: '2.50', quantity: '7' }).expect(201);
      expect(res.body).toMatchObject({ name: 'Bucket', price: 2.5, quantity: 7 });
    });

    it('PUT updates the given fields -> 200; unknown id -> 404', async () => {
      const p = await createProduct(t, { name: 'Old', price: 1, quantity: 1 });
      const res = await request(t.http).put('/api/crudproducts').set(admin()).send({ id: p.id, price: 3.05 }).expect(200);
      expect(res.body).toMatchObject({ id: p.id, name: 'Old', price: 3.05, quantity: 1 });
      const res2 = await request(t.http).put('/api/crudproducts').set(admin()).send({ id: p.id, name: 'New', quantity: 9 }).expect(200);
      expect(res2.body).toMatchObject({ name: 'New', price: 3.05, quantity: 9 });
      const missing = await request(t.http).put('/api/crudproducts').set(admin()).send({ id: 999999, price: 1 }).expect(404);
      expect(missing.body.code).toBe('product_not_found');
    });

    it('DELETE removes by body id or ?id=; unknown id -> 404', async () => {
      const a = await createProduct(t);
      const b = await createProduct(t);
      await request(t.http).delete('/api/crudproducts').set(admin()).send({ id: a.id }).expect(200);
      await request(t.http).delete(`/api/crudproducts?id=${b.id}`).set(admin()).expect(200);
      await request(t.http).get(`/api/products/${a.id}`).expect(404);
      await request(t.http).get(`/api/products/${b.id}`).expect(404);
      const again = await request(t.http).delete('/api/crudproducts').set(admin()).send({ id: a.id }).expect(404);
      expect(again.body.code).toBe('product_not_found');
      const none = await request(t.http).delete('/api/crudproducts').set(admin()).expect(400);
      expect(none.body.details[0].field).toBe('id');
    });

    it.each([
      ['missing name', { price: 1, quantity: 1 }, 'name'],
      ['empty name', { name: '   ', price: 1, quantity: 1 }, 'name'],
      ['name over 200 chars', { name: 'x'.repeat(201), price: 1, quantity: 1 }, 'name'],
      ['three decimals', { name: 'a', price: 1.999, quantity: 1 }, 'price'],
      ['negative price', { name: 'a', price: -1, quantity: 1 }, 'price'],
      ['price as text', { name: 'a', price: 'ten', quantity: 1 }, 'price'],
      ['fractional stock', { name: 'a', price: 1, quantity: 1.5 }, 'quantity'],
      ['negative stock', { name: 'a', price: 1, quantity: -1 }, 'quantity'],
      ['a price in exponent form', { name: 'a', price: 1e-7, quantity: 1 }, 'price'],
      ['a NUL in the name', { name: 'a\u0000b', price: 1, quantity: 1 }, 'name'],
    ])('POST with %s -> 400 naming the field', async (_case, body, field) => {
      const res = await request(t.http).post('/api/crudproducts').set(admin()).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('PUT with null price -> 400', async () => {
      const p = await createProduct(t);
      const res = await request(t.http).put('/api/crudproducts').set(admin()).send({ id: p.id, price: null }).expect(400);
      expect(res.body.details[0].field).toBe('price');
    });
  });

  describe('admin key', () => {
    it.each([
      ['missing', undefined],
      ['wrong', 'not-the-key'],
      ['a prefix of the key', ADMIN_KEY.slice(0, -1)],
    ])('%s X-API-Key -> 401 on every admin route', async (_case, key) => {
      const withKey = (r: request.Test) => (key === undefined ? r : r.set('X-API-Key', key));
      const calls = [
        withKey(request(t.http).post('/api/crudproducts')).send(makeProduct()),
        withKey(request(t.http).put('/api/crudproducts')).send({ id: 1, price: 1 }),
        withKey(request(t.http).delete('/api/crudproducts')).send({ id: 1 }),
        withKey(request(t.http).post('/api/products')).send(makeProduct()),
        withKey(request(t.http).patch('/api/products/1')).send({ price: 1 }),
        withKey(request(t.http).delete('/api/products/1')),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ statusCode: 401, code: 'unauthorized', message: expect.any(String), requestId: expect.any(String) });
      }
    });
  });

  describe('resource routes: /api/products', () => {
    it('creates, reads, updates and deletes', async () => {
      const created = await request(t.http).post('/api/products').set(admin()).send({ name: 'Lamp', price: 0.1, quantity: 0 }).expect(201);
      const id = created.body.id as number;
      expect(created.body).toMatchObject({ name: 'Lamp', price: 0.1, quantity: 0, createdAt: expect.any(String), updatedAt: expect.any(String) });
      const patched = await request(t.http).patch(`/api/products/${id}`).set(admin()).send({ quantity: 4 }).expect(200);
      expect(patched.body).toMatchObject({ id, name: 'Lamp', price: 0.1, quantity: 4 });
      await request(t.http).delete(`/api/products/${id}`).set(admin()).expect(204);
      const gone = await request(t.http).get(`/api/products/${id}`).expect(404);
      expect(gone.body).toMatchObject({ statusCode: 404, code: 'product_not_found' });
      await request(t.http).patch(`/api/products/${id}`).set(admin()).send({ quantity: 1 }).expect(404);
      await request(t.http).delete(`/api/products/${id}`).set(admin()).expect(404);
    });

    it.each(['abc', '1.5', '0', '-3', '99999999999'])('GET /api/products/%s -> 400', async (id) => {
      const res = await request(t.http).get(`/api/products/${id}`).expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'id' }] });
    });

    it('lists with limit and offset, ordered by id, with the total', async () => {
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await createProduct(t));
      const all = await request(t.http).get('/api/products?limit=100').expect(200);
      const total = all.body.total as number;
      expect(all.body.items).toHaveLength(total);
      const ids = (all.body.items as { id: number }[]).map((p) => p.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const page = await request(t.http).get(`/api/products?limit=2&offset=${total - 3}`).expect(200);
      expect(page.body.total).toBe(total);
      expect(page.body.items.map((p: { id: number }) => p.id)).toEqual([made[0].id, made[1].id]);
    });

    it.each(['limit=0', 'limit=101', 'limit=x', 'offset=-1'])('GET /api/products?%s -> 400', async (q) => {
      const res = await request(t.http).get(`/api/products?${q}`).expect(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('the database refuses negative stock even past the API', async () => {
      const p = await createProduct(t);
      const { DataSource } = await import('typeorm');
      const ds = t.app.get(DataSource);
      jest.spyOn(ds.logger, 'logQueryError').mockImplementation(() => undefined);
      await expect(ds.query(`UPDATE product SET quantity = -1 WHERE id = $1`, [p.id])).rejects.toThrow(/product_quantity_nonnegative/);
      await expect(ds.query(`UPDATE product SET price_cents = -1 WHERE id = $1`, [p.id])).rejects.toThrow(/product_price_nonnegative/);
    });
  });
});
