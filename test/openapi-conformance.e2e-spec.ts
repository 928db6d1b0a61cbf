import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { createCoupon } from './factories/coupon.factory';
import { createProduct } from './factories/product.factory';
import { OpenApiConformance } from './helpers/openapi-conformance';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

jest.setTimeout(60_000);

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Call {
  json?: unknown;
  form?: Record<string, string>;
  raw?: { type: string; body: string };
  headers?: Record<string, string>;
}

/**
 * The document at /docs-json against what the service answers: a sample of real requests over
 * every route, successes and refusals, each checked for a documented status and a body that
 * validates against the documented schema.
 */
describe('The OpenAPI document matches the answers (e2e)', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Record<string, unknown>> } } & Record<string, unknown>;
  let conformance: OpenApiConformance;
  const problems: string[] = [];
  const admin = { 'X-API-Key': ADMIN_KEY };
  let seq = 0;
  const newSid = () => `oa-${Date.now().toString(36)}-${++seq}`;

  beforeAll(async () => {
    t = await startTestApp('openapi_conformance');
    doc = (await request(t.http).get('/docs-json').expect(200)).body;
    conformance = new OpenApiConformance(doc as never);
  });
  afterAll(() => t.close());

  /** One request; its answer is checked against the operation `template`, and returned. */
  async function call(method: Method, template: string, url: string, opts: Call = {}) {
    let r = request(t.http)[method](url);
    for (const [k, v] of Object.entries(opts.headers ?? {})) r = r.set(k, v);
    if (opts.form) r = r.type('form').send(opts.form);
    else if (opts.raw) r = r.set('Content-Type', opts.raw.type).send(opts.raw.body);
    else if (opts.json !== undefined) r = r.send(opts.json as object);
    const res = await r;
    problems.push(...conformance.problems(method, template, res));
    return res;
  }

  it('a sample of real answers, successes and refusals, have a documented status and match its schema', async () => {
    // products
    const created = await call('post', '/api/products', '/api/products', { headers: admin, json: { name: 'Conforming chair', price: 19.99, quantity: 3 } });
    expect(created.status).toBe(201);
    const pid = created.body.id as number;
    await call('post', '/api/products', '/api/products', { headers: admin, json: { name: 'x', price: 1.234, quantity: 1 } });
    await call('post', '/api/products', '/api/products', { json: { name: 'x', price: 1, quantity: 1 } });
    await call('post', '/api/products', '/api/products', { headers: admin, raw: { type: 'application/json', body: '{"name":' } });
    await call('post', '/api/products', '/api/products', { headers: admin, raw: { type: 'application/json', body: JSON.stringify({ name: 'x'.repeat(120 * 1024) }) } });
    await call('post', '/api/products', '/api/products', { headers: admin, raw: { type: 'application/json; charset=latin1', body: '{}' } });
    await call('get', '/api/products', '/api/products?limit=2');
    await call('get', '/api/products', '/api/products?limit=0');
    await call('get', '/api/products/{id}', `/api/products/${pid}`);
    await call('get', '/api/products/{id}', '/api/products/999999');
    await call('get', '/api/products/{id}', '/api/products/abc');
    await call('patch', '/api/products/{id}', `/api/products/${pid}`, { headers: admin, json: { price: 17.5 } });
    await call('patch', '/api/products/{id}', '/api/products/999999', { headers: admin, json: { price: 1 } });
    const doomed = await createProduct(t, { name: 'Doomed' });
    await call('delete', '/api/products/{id}', `/api/products/${doomed.id}`, { headers: admin });
    await call('delete', '/api/products/{id}', `/api/products/${doomed.id}`, { headers: admin });

    // the original routes, JSON and forms
    const legacy = await call('post', '/api/crudproducts', '/api/crudproducts', { headers: admin, form: { name: 'Form bucket', price: '5', quantity: '4' } });
    expect(legacy.status).toBe(201);
    await call('post', '/api/crudproducts', '/api/crudproducts', { headers: admin, form: { name: '', price: '5', quantity: '4' } });
    await call('put', '/api/crudproducts', '/api/crudproducts', { headers: admin, form: { id: String(legacy.body.id), price: '6' } });
    await call('put', '/api/crudproducts', '/api/crudproducts', { headers: admin, json: { id: 999999, price: 6 } });
    const gone = await createProduct(t, { name: 'Gone' });
    await call('delete', '/api/crudproducts', `/api/crudproducts?id=${gone.id}`, { headers: admin });
    await call('delete', '/api/crudproducts', '/api/crudproducts', { headers: admin, json: { id: gone.id } });
    await call('delete', '/api/crudproducts', '/api/crudproducts', { headers: admin });
    const sid = newSid();
    await call('post', '/api/updatecart', '/api/updatecart', { form: { sid, pid: String(pid), v: '2' } });
    await call('post', '/api/updatecart', '/api/updatecart', { json: { sid, pid, v: 9 } });
    await call('post', '/api/updatecart', '/api/updatecart', { json: { sid, pid: 999999 } });
    await call('post', '/api/updatecart', '/api/updatecart', { json: { sid, pid, v: -1 } });
    await call('get', '/api/viewcart/{sid}', `/api/viewcart/${sid}`);
    await call('get', '/api/viewcart/{sid}', '/api/viewcart/bad%20sid');
    await call('get', '/api/viewcart', `/api/viewcart?sid=${sid}`);
    await call('get', '/api/viewcart', '/api/viewcart');

    // carts, sessions, coupons in carts
    const session = await call('post', '/api/sessions', '/api/sessions');
    const cart = session.body.sid as string;
    await call('get', '/api/carts/{sid}', `/api/carts/${cart}`);
    await call('post', '/api/carts/{sid}/items', `/api/carts/${cart}/items`, { json: { pid, quantity: 2 } });
    await call('post', '/api/carts/{sid}/items', `/api/carts/${cart}/items`, { json: { pid, quantity: 50 } });
    await call('post', '/api/carts/{sid}/items', `/api/carts/${cart}/items`, { json: { pid: 999999 } });
    await call('put', '/api/carts/{sid}/items/{pid}', `/api/carts/${cart}/items/${pid}`, { json: { quantity: 1 } });
    await call('put', '/api/carts/{sid}/items/{pid}', `/api/carts/${cart}/items/${pid}`, { json: { quantity: -1 } });
    await call('put', '/api/carts/{sid}/items/{pid}', `/api/carts/${cart}/items/${pid}`, { json: { quantity: 99 } });
    await call('delete', '/api/carts/{sid}/items/{pid}', `/api/carts/${cart}/items/999999`);
    await call('get', '/api/carts/{sid}', `/api/carts/${cart}`, { headers: { Authorization: 'Bearer not-a-token' } });
    const coupon = await createCoupon(t, { multiplier: 0.5, products: [pid] });
    const inactive = await createCoupon(t, { active: false });
    await call('post', '/api/carts/{sid}/coupon', `/api/carts/${cart}/coupon`, { json: { code: coupon.code } });
    await call('post', '/api/carts/{sid}/coupon', `/api/carts/${cart}/coupon`, { json: { code: 'no-such-coupon' } });
    await call('post', '/api/carts/{sid}/coupon', `/api/carts/${cart}/coupon`, { json: { code: inactive.code } });
    await call('delete', '/api/carts/{sid}/coupon', `/api/carts/${cart}/coupon`);
    await call('post', '/api/carts/{sid}/coupon', `/api/carts/${cart}/coupon`, { json: { code: coupon.code } });
    const withCoupon = await call('get', '/api/carts/{sid}', `/api/carts/${cart}`);
    expect(withCoupon.body.coupon).toMatchObject({ code: coupon.code });

    // checkout: placed (with its coupon), replayed, refused
    const placed = await call('post', '/api/carts/{sid}/checkout', `/api/carts/${cart}/checkout`, { headers: { 'Idempotency-Key': `k-${cart}` } });
    expect(placed.status).toBe(201);
    await call('post', '/api/carts/{sid}/checkout', `/api/carts/${cart}/checkout`, { headers: { 'Idempotency-Key': `k-${cart}` } });
    await call('post', '/api/carts/{sid}/checkout', `/api/carts/${cart}/checkout`);
    await call('post', '/api/carts/{sid}/checkout', `/api/carts/${cart}/checkout`, { headers: { 'Idempotency-Key': 'x'.repeat(200) } });
    const short = newSid();
    const scarce = await createProduct(t, { name: 'Scarce', quantity: 2 });
    await call('post', '/api/carts/{sid}/items', `/api/carts/${short}/items`, { json: { pid: scarce.id, quantity: 2 } });
    await call('patch', '/api/products/{id}', `/api/products/${scarce.id}`, { headers: admin, json: { quantity: 1 } });
    const unbuyable = await call('get', '/api/carts/{sid}', `/api/carts/${short}`);
    expect(unbuyable.body.items[0].status).toBe('insufficient_stock');
    await call('post', '/api/carts/{sid}/checkout', `/api/carts/${short}/checkout`);
    await call('delete', '/api/carts/{sid}', `/api/carts/${short}`);
    // an order without a coupon: `coupon: null` must validate
    const plain = newSid();
    await call('post', '/api/carts/{sid}/items', `/api/carts/${plain}/items`, { json: { pid: scarce.id } });
    const noCoupon = await call('post', '/api/carts/{sid}/checkout', `/api/carts/${plain}/checkout`);
    expect(noCoupon.body.coupon).toBeNull();

    // the money rules: a moved price named once in the view, a checkout refused at a total the buyer did not see
    const moving = await createProduct(t, { name: 'Moving price', price: 10, quantity: 5 });
    const watched = newSid();
    await call('post', '/api/carts/{sid}/items', `/api/carts/${watched}/items`, { json: { pid: moving.id } });
    await call('patch', '/api/products/{id}', `/api/products/${moving.id}`, { headers: admin, json: { price: 12 } });
    const moved = await call('get', '/api/carts/{sid}', `/api/carts/${watched}`);
    expect(moved.body.notices).toEqual([expect.objectContaining({ code: 'price_changed' })]);
    await call('patch', '/api/products/{id}', `/api/products/${moving.id}`, { headers: admin, json: { price: 13 } });
    const refused = await call('post', '/api/carts/{sid}/checkout', `/api/carts/${watched}/checkout`, { json: { expectedTotal: 12 } });
    expect(refused.body).toMatchObject({ code: 'total_changed' });
    await call('post', '/api/carts/{sid}/checkout', `/api/carts/${watched}/checkout`, { json: { expectedTotal: 'twelve' } });
    await call('post', '/api/carts/{sid}/checkout', `/api/carts/${watched}/checkout`, { json: { expectedTotal: 13 } });
    await call('post', '/api/coupons', '/api/coupons', { headers: admin, json: { code: `oa-scope-${seq}`, name: 'x', appliesTo: 'cart', products: [pid] } });

    // orders
    await call('get', '/api/orders', '/api/orders', { headers: admin });
    await call('get', '/api/orders', '/api/orders?limit=1000', { headers: admin });
    await call('get', '/api/orders/{id}', `/api/orders/${placed.body.id}`, { headers: admin });
    await call('get', '/api/orders/{id}', '/api/orders/not-a-uuid', { headers: admin });
    await call('get', '/api/orders/{id}', '/api/orders/00000000-0000-4000-8000-000000000000', { headers: admin });
    await call('get', '/api/me/orders', '/api/me/orders');

    // coupons (admin)
    await call('post', '/api/coupons', '/api/coupons', { headers: admin, json: { code: coupon.code.toUpperCase(), name: 'Taken' } });
    await call('post', '/api/coupons', '/api/coupons', { headers: admin, json: { code: 'oa-unknown-product', name: 'x', products: [999999] } });
    await call('post', '/api/coupons', '/api/coupons', { headers: admin, json: { code: 'oa-bad', name: 'x', multiplier: 2 } });
    const fresh = await call('post', '/api/coupons', '/api/coupons', { headers: admin, json: { code: `oa${seq}`, name: 'Fresh', maxRedemptions: null } });
    expect(fresh.status).toBe(201);
    await call('get', '/api/coupons', '/api/coupons', { headers: admin });
    await call('get', '/api/coupons/{code}', `/api/coupons/${coupon.code}`, { headers: admin });
    await call('get', '/api/coupons/{code}', '/api/coupons/nope', { headers: admin });
    await call('patch', '/api/coupons/{code}', `/api/coupons/${fresh.body.code}`, { headers: admin, json: { expiresAt: '2099-01-01T00:00:00Z' } });
    await call('put', '/api/coupons/{code}/products/{pid}', `/api/coupons/${fresh.body.code}/products/${pid}`, { headers: admin });
    await call('put', '/api/coupons/{code}/products/{pid}', `/api/coupons/${fresh.body.code}/products/999999`, { headers: admin });
    await call('delete', '/api/coupons/{code}/products/{pid}', `/api/coupons/${fresh.body.code}/products/${pid}`, { headers: admin });
    await call('delete', '/api/coupons/{code}', `/api/coupons/${fresh.body.code}`, { headers: admin });
    await call('delete', '/api/coupons/{code}', `/api/coupons/${fresh.body.code}`, { headers: admin });
    // the dropped coupon shows as a notice in the next view
    await call('delete', '/api/coupons/{code}', `/api/coupons/${coupon.code}`, { headers: admin });
    const again = newSid();
    await call('post', '/api/carts/{sid}/items', `/api/carts/${again}/items`, { json: { pid } });

    // login (off here), tokens, health
    await call('get', '/auth/facebook', '/auth/facebook');
    await call('get', '/auth/facebook/callback', '/auth/facebook/callback?code=x&state=y');
    await call('get', '/auth/me', '/auth/me');
    await call('post', '/auth/logout', '/auth/logout');
    await call('post', '/api/me/cart/merge', '/api/me/cart/merge', { json: { sid: again } });
    await call('get', '/health', '/health');
    await call('get', '/health/ready', '/health/ready');

    expect(problems).toEqual([]);
    // every operation of the document was exercised at least once
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const exercised = new Set([...conformance.seen].map((s) => s.split(' ').slice(0, 2).join(' ')));
    expect(operations.filter((o) => !exercised.has(o))).toEqual([]);
    expect(conformance.seen.size).toBeGreaterThanOrEqual(70);
  });

  it('states what the decorators alone would not: integer ids with examples, form bodies, a nullable coupon, typed details, public routes', () => {
    for (const [route, method, name] of [
      ['/api/products/{id}', 'get', 'id'],
      ['/api/carts/{sid}/items/{pid}', 'put', 'pid'],
      ['/api/coupons/{code}/products/{pid}', 'put', 'pid'],
    ]) {
      const param = (doc.paths[route][method].parameters as { name: string; schema: Record<string, unknown>; example?: unknown }[]).find((p) => p.name === name)!;
      expect(param.schema).toMatchObject({ type: 'integer', minimum: 1 });
      expect(param.example ?? param.schema.example).toEqual(expect.any(Number));
    }
    for (const [route, method] of [['/api/updatecart', 'post'], ['/api/crudproducts', 'post'], ['/api/crudproducts', 'put'], ['/api/crudproducts', 'delete']]) {
      expect(Object.keys((doc.paths[route][method].requestBody as { content: object }).content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    }
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/api/products'].get.security).toEqual([]);
    expect((doc.servers as unknown[]).length).toBeGreaterThan(0);
    const details = doc.components.schemas.ErrorBody.properties as Record<string, Record<string, unknown>>;
    expect(details.details.oneOf).toHaveLength(2);
    expect(details.requestId).toBeDefined();
  });

  it('npm run openapi writes the document the app serves', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cartwheel-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/openapi.ts', file], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'error' } });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(doc);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
