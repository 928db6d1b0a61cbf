import { networkInterfaces } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { startAppProcess } from './helpers/app-process';
import { ADMIN_KEY } from './helpers/test-app';

jest.setTimeout(180_000);

/**
 * The zero-configuration default, as `npm start` runs it: its own process, no DATABASE_URL or
 * REDIS_URL, PGlite under DATA_DIR and the in-process cart store.
 */
describe('Embedded default (PGlite + in-memory carts), in its own process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cartwheel-embedded-'));
  const env = { DATABASE_URL: undefined, DATABASE_SCHEMA: undefined, REDIS_URL: undefined, DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the original contract, shuts down cleanly on SIGTERM, and keeps the catalogue across a restart', async () => {
    let app = await startAppProcess(env);
    let productId: number;
    try {
      expect(app.output()).toContain('Embedded Postgres (PGlite)');
      expect(app.output()).toContain('/docs');
      const created = await request(app.url).post('/api/crudproducts').set('X-API-Key', ADMIN_KEY).send({ name: 'Kept', price: 4.2, quantity: 3 }).expect(201);
      productId = created.body.id as number;
      const cart = await request(app.url).post('/api/updatecart').type('form').send({ sid: 'emb', pid: String(productId), v: '2' }).expect(200);
      expect(cart.body).toMatchObject({ items: [{ pid: productId, incart: 2, status: 'ok' }], total: 8.4 });
      const tooMany = await request(app.url).post('/api/updatecart').send({ sid: 'emb', pid: productId, v: 4 }).expect(409);
      expect(tooMany.body).toMatchObject({ code: 'out_of_stock', instock: 3 });
      const racing = await Promise.all(Array.from({ length: 10 }, () => request(app.url).post('/api/updatecart').send({ sid: 'race', pid: productId })));
      expect(racing.filter((r) => r.status === 200)).toHaveLength(3);
      await request(app.url).put('/api/crudproducts').set('X-API-Key', ADMIN_KEY).send({ id: productId, quantity: 1 }).expect(200);
      expect((await request(app.url).get('/api/viewcart/emb').expect(200)).body.items[0].status).toBe('insufficient_stock');
      await request(app.url).get('/health/ready').expect(200);
      // HOST unset: every interface, IPv6 as well as IPv4 (Fastify alone would listen on localhost only)
      await request(app.url.replace('127.0.0.1', '[::1]')).get('/health').expect(200);
      const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
      expect(external).toBeDefined(); // CI machines have one; without it this check would prove nothing
      await request(app.url.replace('127.0.0.1', external!.address)).get('/health').expect(200);
      // a second process on the same DATA_DIR is refused, not allowed to corrupt it
      await expect(startAppProcess(env, 30_000)).rejects.toThrow(/in use by process \d+ on host/);

      // graceful shutdown: every request sent before SIGTERM gets its answer, none is cut off
      const inFlight = Array.from({ length: 40 }, () =>
        request(app.url).get('/api/viewcart/emb').then((r) => String(r.status), (e: NodeJS.ErrnoException) => e.code ?? String(e)),
      );
      await new Promise((r) => setTimeout(r, 15));
      const ended = await app.stop();
      const outcomes = await Promise.all(inFlight);
      expect(outcomes).toEqual(Array(40).fill('200'));
      expect(ended).toEqual({ code: 0, signal: null });
      expect(app.output()).toContain('stopped');
    } catch (err) {
      await app.stop();
      throw err;
    }

    app = await startAppProcess(env);
    try {
      const read = await request(app.url).get(`/api/products/${productId}`).expect(200);
      expect(read.body).toMatchObject({ id: productId, name: 'Kept', price: 4.2, quantity: 1 });
      // carts live in this process's memory: a restart starts them empty (documented)
      expect((await request(app.url).get('/api/viewcart/emb').expect(200)).body.items).toEqual([]);
      const next = await request(app.url).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'After', price: 1, quantity: 1 }).expect(201);
      expect(next.body.id).toBeGreaterThan(productId);
    } finally {
      await app.stop();
    }
  });

  it('refuses to start on a bad setting, naming it', async () => {
    await expect(startAppProcess({ ...env, PORT: undefined, CART_TTL_SECONDS: 'soon' }, 30_000)).rejects.toThrow(/CART_TTL_SECONDS/);
  });
});
