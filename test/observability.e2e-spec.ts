import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createCoupon } from './factories/coupon.factory';
import { createProduct } from './factories/product.factory';
import { startTestApp, TestApp } from './helpers/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** `name{labels} value` lines of a Prometheus text scrape, as a map from `name{labels}` to value. */
function parseScrape(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('Request ids and metrics (e2e, Postgres + Redis)', () => {
  let t: TestApp;
  let seq = 0;
  const newSid = () => `obs-${Date.now().toString(36)}-${++seq}`;

  beforeAll(async () => {
    t = await startTestApp('observability', { METRICS_TOKEN });
  });
  afterAll(() => t.close());

  const scrape = async () => parseScrape((await request(t.http).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text);

  describe('X-Request-Id', () => {
    it('is generated (a UUID) and echoed when the client sends none', async () => {
      const res = await request(t.http).get('/health').expect(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it("echoes a valid client id on success and in the error body's requestId", async () => {
      await request(t.http).get('/api/products').set('X-Request-Id', 'client-42.abc:7').expect(200).expect('X-Request-Id', 'client-42.abc:7');
      const res = await request(t.http).get('/api/products/0').set('X-Request-Id', 'trace/Ab+9=').expect(400);
      expect(res.headers['x-request-id']).toBe('trace/Ab+9=');
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed', requestId: 'trace/Ab+9=' });
    });

    it.each([
      ['too long', 'x'.repeat(129)],
      ['with a space', 'a b'],
      ['with a quote', 'a"b'],
      ['with a non-ASCII letter', 'é'],
    ])('replaces an invalid one (%s) with a fresh id', async (_name, given) => {
      const res = await request(t.http).get('/nope').set('X-Request-Id', given).expect(404);
      expect(res.headers['x-request-id']).not.toBe(given);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('is on responses that never reach a route: unknown routes and rejected bodies', async () => {
      const bad = await request(t.http).post('/api/updatecart').set('Content-Type', 'application/json').send('{"sid":').expect(400);
      expect(bad.body).toMatchObject({ code: 'malformed_json', requestId: bad.headers['x-request-id'] });
      const missing = await request(t.http).delete('/api/nothing').expect(404);
      expect(missing.body).toMatchObject({ code: 'route_not_found', requestId: missing.headers['x-request-id'] });
    });
  });

  describe('GET /metrics', () => {
    it('answers only to the METRICS_TOKEN Bearer token (401 with WWW-Authenticate otherwise)', async () => {
      for (const auth of [undefined, 'Bearer wrong-token-0123456789', `Basic ${METRICS_TOKEN}`, METRICS_TOKEN]) {
        const r = request(t.http).get('/metrics');
        const res = await (auth ? r.set('Authorization', auth) : r).expect(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.body).toMatchObject({ statusCode: 401, code: 'unauthorized' });
      }
      const ok = await request(t.http).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(ok.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      expect(ok.text).toContain('# TYPE http_request_duration_seconds histogram');
      // Node's default process metrics
      expect(ok.text).toContain('process_cpu_user_seconds_total');
      expect(ok.text).toContain('nodejs_eventloop_lag_seconds');
    });

    it('counts cart line changes, checkouts by outcome, coupon redemptions and request durations by route pattern', async () => {
      const before = await scrape();
      const product = await createProduct(t, { name: 'Metered', price: 10, quantity: 2 });
      const other = await createProduct(t, { name: 'Not covered', price: 5, quantity: 5 });
      const coupon = await createCoupon(t, { multiplier: 0.5, products: [product.id] });
      const sid = newSid();
      await request(t.http).post('/api/updatecart').send({ sid, pid: product.id }).expect(200);
      await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: product.id }).expect(200);
      await request(t.http).put(`/api/carts/${sid}/items/${product.id}`).send({ quantity: 3 }).expect(409);
      await request(t.http).post('/api/updatecart').send({ sid, pid: product.id, v: 5 }).expect(409);
      await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: coupon.code }).expect(200);
      await request(t.http).post(`/api/carts/${sid}/checkout`).set('Idempotency-Key', `obs-${sid}`).expect(201);
      await request(t.http).post(`/api/carts/${sid}/checkout`).set('Idempotency-Key', `obs-${sid}`).expect(200);
      await request(t.http).post(`/api/carts/${sid}/checkout`).expect(409);
      // an order without a coupon: placed, no redemption
      const plain = newSid();
      await request(t.http).post(`/api/carts/${plain}/items`).send({ pid: other.id }).expect(200);
      await request(t.http).post(`/api/carts/${plain}/checkout`).expect(201);
      await request(t.http).post(`/api/carts/${plain}/checkout`).set('Idempotency-Key', 'x'.repeat(129)).expect(400);

      const after = await scrape();
      const moved = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(moved('cartwheel_cart_line_changes_total{outcome="ok"}')).toBe(3);
      expect(moved('cartwheel_cart_line_changes_total{outcome="out_of_stock"}')).toBe(2);
      expect(after.get('cartwheel_cart_line_changes_total{outcome="cart_full"}')).toBe(0);
      expect(moved('cartwheel_checkouts_total{outcome="placed"}')).toBe(2);
      expect(moved('cartwheel_checkouts_total{outcome="replayed"}')).toBe(1);
      expect(moved('cartwheel_checkouts_total{outcome="cart_empty"}')).toBe(1);
      expect(moved('cartwheel_checkouts_total{outcome="validation_failed"}')).toBe(1);
      expect(moved('cartwheel_coupon_redemptions_total')).toBe(1);
      expect(moved('http_request_duration_seconds_count{method="POST",route="/api/updatecart",status_code="200"}')).toBe(1);
      expect(moved('http_request_duration_seconds_count{method="POST",route="/api/updatecart",status_code="409"}')).toBe(1);
      expect(moved('http_request_duration_seconds_count{method="PUT",route="/api/carts/:sid/items/:pid",status_code="409"}')).toBe(1);
      expect(moved('http_request_duration_seconds_count{method="POST",route="/api/carts/:sid/checkout",status_code="201"}')).toBe(2);
      // the pattern, never the raw path with its sid
      expect([...after.keys()].some((k) => k.includes(sid))).toBe(false);
      expect(after.get('cartwheel_db_pool_max')).toBe(10);
      expect(after.has('cartwheel_db_pool_connections_in_use')).toBe(true);
      expect(after.has('cartwheel_db_pool_waiting')).toBe(true);
    });

    it('labels requests no route handled as unmatched', async () => {
      const before = await scrape();
      await request(t.http).get('/no/such/thing').expect(404);
      const after = await scrape();
      const key = 'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}';
      expect((after.get(key) ?? 0) - (before.get(key) ?? 0)).toBe(1);
    });

    it('counts requests answered before any route ran as unmatched: a URL the router refuses, a request Node cannot parse', async () => {
      if (!t.http.listening) await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', () => resolve()));
      const { port } = t.http.address() as AddressInfo;
      const before = await scrape();
      await request(t.http).get('/api/viewcart/%E0%A4%A').expect(400);
      await request(t.http).get(`/api/viewcart/${'a'.repeat(1100)}`).expect(414);
      const answer = await new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
        let out = '';
        socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(out));
      });
      expect(answer).toMatch(/^HTTP\/1.1 400 /);
      const after = await scrape();
      const moved = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(moved('http_request_duration_seconds_count{method="GET",route="unmatched",status_code="400"}')).toBe(1);
      expect(moved('http_request_duration_seconds_count{method="GET",route="unmatched",status_code="414"}')).toBe(1);
      expect(moved('http_request_duration_seconds_count{method="unknown",route="unmatched",status_code="400"}')).toBe(1);
    });

    it('counts a Postgres failure by its SQLSTATE', async () => {
      const ds = t.app.get(DataSource);
      const quiet = jest.spyOn(ds.logger, 'logQueryError').mockImplementation(() => undefined);
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const before = await scrape();
      await ds.query('ALTER TABLE coupon RENAME TO coupon_hidden');
      try {
        await request(t.http).get('/api/coupons').set('X-API-Key', 'test-admin-key-0123456789').expect(500);
      } finally {
        await ds.query('ALTER TABLE coupon_hidden RENAME TO coupon');
        quiet.mockRestore();
        logged.mockRestore();
      }
      const after = await scrape();
      expect((after.get('cartwheel_postgres_errors_total{kind="42P01"}') ?? 0) - (before.get('cartwheel_postgres_errors_total{kind="42P01"}') ?? 0)).toBe(1);
    });
  });
});

describe('GET /metrics without METRICS_TOKEN (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('metrics_off', { METRICS_TOKEN: undefined });
  });
  afterAll(() => t.close());

  it('is 404 route_not_found, as an unknown route, token or not', async () => {
    const res = await request(t.http).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'route_not_found' });
  });
});
