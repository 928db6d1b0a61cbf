import { Logger } from '@nestjs/common';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { REDIS_CLIENT } from '../src/redis/redis.module';
import { startTestApp, TestApp } from './helpers/test-app';

describe('Platform: errors, docs, health (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('platform');
  });
  afterAll(() => t.close());

  const errorShape = { statusCode: expect.any(Number), code: expect.any(String), message: expect.any(String), requestId: expect.any(String) };

  it('malformed JSON -> 400 malformed_json', async () => {
    const res = await request(t.http).post('/api/updatecart').set('Content-Type', 'application/json').send('{"sid": "a",').expect(400);
    expect(res.body).toEqual({ ...errorShape, statusCode: 400, code: 'malformed_json' });
  });

  it('attack: JSON nested 1,314 levels deep -> 400 validation_failed on every JSON route, no 500, nothing logged as an error', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const deep = `${'['.repeat(1314)}${']'.repeat(1314)}`;
    for (const [method, path] of [
      ['post', '/api/updatecart'],
      ['post', '/api/carts/abc/items'],
      ['put', '/api/carts/abc/items/1'],
      ['post', '/api/carts/abc/coupon'],
      ['post', '/api/carts/abc/checkout'],
      ['post', '/api/me/cart/merge'],
      ['post', '/api/products'],
    ] as const) {
      const res = await request(t.http)[method](path).set('Content-Type', 'application/json').send(`{"sid": ${deep}}`).expect(400);
      expect(res.body).toEqual({ ...errorShape, statusCode: 400, code: 'validation_failed', details: [{ field: 'body', message: expect.stringContaining('32') }] });
    }
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    // 32 levels, and brackets inside strings, are fine (the usual validation answers)
    const ok = `${'['.repeat(31)}1${']'.repeat(31)}`;
    const res = await request(t.http).post('/api/updatecart').set('Content-Type', 'application/json').send(`{"sid": ${ok}, "pid": 1, "note": "${'['.repeat(100)}"}`).expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['sid']);
  });

  it('a body over 100 kB -> 413 payload_too_large (JSON and form)', async () => {
    const big = 'x'.repeat(110 * 1024);
    const json = await request(t.http).post('/api/updatecart').send({ sid: 'a', pid: 1, pad: big }).expect(413);
    expect(json.body).toEqual({ ...errorShape, statusCode: 413, code: 'payload_too_large' });
    const form = await request(t.http).post('/api/updatecart').type('form').send(`sid=a&pid=1&pad=${big}`).expect(413);
    expect(form.body.code).toBe('payload_too_large');
  });

  it('any other media type with a body -> 415 unsupported_media_type; a charset other than UTF-8 too', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const res = await request(t.http).post('/api/updatecart').set('Content-Type', type).send('sid=a&pid=1').expect(415);
      expect(res.body).toEqual({ ...errorShape, statusCode: 415, code: 'unsupported_media_type' });
    }
    const latin1 = await request(t.http).post('/api/updatecart').set('Content-Type', 'application/json; charset=latin1').send('{"sid":"a","pid":1}').expect(415);
    expect(latin1.body.code).toBe('unsupported_media_type');
    await request(t.http).post('/api/updatecart').set('Content-Type', 'application/json; charset=UTF-8').send('{"sid":"a","pid":0}').expect(400);
  });

  it('an empty JSON body is {} (the usual validation answers), as before the move to Fastify', async () => {
    const res = await request(t.http).post('/api/updatecart').set('Content-Type', 'application/json').send('').expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['sid', 'pid']);
  });

  it('attack: __proto__ and constructor.prototype keys in JSON -> 400 malformed_json, nothing polluted', async () => {
    for (const body of ['{"sid":"a","pid":1,"__proto__":{"polluted":true}}', '{"sid":"a","pid":1,"constructor":{"prototype":{"polluted":true}}}']) {
      const res = await request(t.http).post('/api/updatecart').set('Content-Type', 'application/json').send(body).expect(400);
      expect(res.body.code).toBe('malformed_json');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a URL the router refuses is still a 4xx in the one shape: a path parameter past 1 kB (414; below, the 400 of validation), a broken percent-encoding (400), with the security headers', async () => {
    expect((await request(t.http).get(`/api/viewcart/${'a'.repeat(1000)}`).expect(400)).body.details[0].field).toBe('sid');
    const res = await request(t.http).get(`/api/viewcart/${'a'.repeat(1100)}`).expect(414);
    expect(res.body).toEqual({ ...errorShape, statusCode: 414, code: 'bad_request' });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
    const badUrl = await request(t.http).get('/api/viewcart/%E0%A4%A').expect(400);
    expect(badUrl.body).toEqual({ ...errorShape, statusCode: 400, code: 'bad_request' });
    // with the security headers every other answer has (no hook runs for these)
    for (const r of [res, badUrl]) expect(r.headers).toMatchObject({ 'content-security-policy': expect.stringContaining("default-src 'self'"), 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
  });

  it("a request Node's HTTP parser refuses is a 4xx in the one shape (431 for headers over 16 kB), with X-Request-Id and the security headers; a broken chunk logs no error", async () => {
    if (!t.http.listening) await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', () => resolve()));
    const { port } = t.http.address() as AddressInfo;
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
        let out = '';
        socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(out));
      });
    const errors = jest.spyOn(Logger.prototype, 'error');
    for (const [text, status] of [
      ['POST /api/updatecart HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}', 400],
      [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['POST /api/updatecart HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400],
    ] as const) {
      const answer = await raw(text);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      const requestId = /\r\nX-Request-Id: (\S+)/i.exec(head)?.[1];
      expect(head).toMatch(/\r\ncontent-security-policy: default-src 'self'/i);
      expect(head).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
      expect(JSON.parse(body)).toEqual({ statusCode: status, code: 'bad_request', message: 'The request could not be read', requestId });
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // the broken chunk's aborted body reaches the filter after the answer
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('a body just under 100 kB is read', async () => {
    const res = await request(t.http).post('/api/updatecart').send({ sid: 'a', pid: 0, pad: 'x'.repeat(90 * 1024) }).expect(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('the limit is 102,400 bytes exactly: that many are read, one more is 413 (JSON and form)', async () => {
    /** A body of exactly `size` bytes: the padding makes up the rest. */
    const jsonOf = (size: number) => {
      const head = '{"sid":"a","pid":0,"pad":"';
      return `${head}${'x'.repeat(size - head.length - 2)}"}`;
    };
    const formOf = (size: number) => `sid=a&pid=0&pad=${'x'.repeat(size - 'sid=a&pid=0&pad='.length)}`;
    for (const [type, body] of [['application/json', jsonOf], ['application/x-www-form-urlencoded', formOf]] as const) {
      expect(Buffer.byteLength(body(102_400))).toBe(102_400);
      const read = await request(t.http).post('/api/updatecart').set('Content-Type', type).send(body(102_400)).expect(400);
      expect(read.body.code).toBe('validation_failed'); // parsed, then refused for pid 0
      const refused = await request(t.http).post('/api/updatecart').set('Content-Type', type).send(body(102_401)).expect(413);
      expect(refused.body.code).toBe('payload_too_large');
    }
  });

  it.each([
    ['GET', '/nope'],
    ['POST', '/api/nothing'],
    ['PATCH', '/api/updatecart'],
  ])('unknown route %s %s -> 404 JSON route_not_found', async (method, path) => {
    const res = await request(t.http)[method.toLowerCase() as 'get'](path).expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ statusCode: 404, code: 'route_not_found', message: 'No such route', requestId: expect.any(String) });
  });

  it('an unexpected failure is a bare 500 with no internals', async () => {
    const ds = t.app.get(DataSource);
    const spy = jest.spyOn(ds.logger, 'logQueryError').mockImplementation(() => undefined);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await ds.query('ALTER TABLE product RENAME TO product_hidden');
    try {
      const res = await request(t.http).get('/api/products').expect(500);
      expect(res.body).toEqual({ statusCode: 500, code: 'internal_error', message: 'Internal server error', requestId: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toMatch(/product|relation|stack|at /i);
    } finally {
      await ds.query('ALTER TABLE product_hidden RENAME TO product');
      spy.mockRestore();
      logged.mockRestore();
    }
  });

  it('serves Swagger UI at /docs and OpenAPI 3 JSON at /docs-json with every route', async () => {
    await request(t.http).get('/docs').expect(200).expect('Content-Type', /html/);
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes['api-key']).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }));
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/crudproducts', 'PUT /api/crudproducts', 'DELETE /api/crudproducts', 'POST /api/updatecart',
        'GET /api/viewcart/{sid}', 'GET /api/viewcart', 'GET /api/products', 'GET /api/products/{id}', 'POST /api/products',
        'PATCH /api/products/{id}', 'DELETE /api/products/{id}', 'GET /api/carts/{sid}', 'POST /api/carts/{sid}/items',
        'PUT /api/carts/{sid}/items/{pid}', 'DELETE /api/carts/{sid}/items/{pid}', 'DELETE /api/carts/{sid}', 'POST /api/sessions',
        'GET /health', 'GET /health/ready',
        'POST /api/coupons', 'GET /api/coupons', 'GET /api/coupons/{code}', 'PATCH /api/coupons/{code}', 'DELETE /api/coupons/{code}',
        'PUT /api/coupons/{code}/products/{pid}', 'DELETE /api/coupons/{code}/products/{pid}',
        'POST /api/carts/{sid}/coupon', 'DELETE /api/carts/{sid}/coupon',
        'POST /api/carts/{sid}/checkout', 'GET /api/orders/{id}', 'GET /api/orders',
      ]),
    );
    const checkout = doc.paths['/api/carts/{sid}/checkout'].post;
    expect(checkout.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['header:Idempotency-Key', 'path:sid']));
    expect(Object.keys(checkout.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '409', '422']));
    expect(doc.paths['/api/coupons'].post.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.components.schemas.CreateCouponDto.properties.multiplier.example).toBe(0.8);
    expect(doc.paths['/api/updatecart'].post.tags).toContain('original');
    expect(doc.paths['/api/crudproducts'].post.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
    expect(doc.components.schemas.CartViewDto.properties.items).toBeDefined();
    expect(doc.components.schemas.CreateProductDto.properties.price.example).toBe(19.99);
  });

  it('GET /health is live; /health/ready is 200 with Postgres and Redis up, 503 not_ready when Redis is gone', async () => {
    expect((await request(t.http).get('/health').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, cartStore: { status: 'up' } } });

    const redis = t.app.get<Redis>(REDIS_CLIENT);
    redis.disconnect(false);
    const down = await request(t.http).get('/health/ready').expect(503);
    expect(down.body).toMatchObject({ statusCode: 503, code: 'not_ready', details: { cartStore: { status: 'down' }, database: { status: 'up' } } });
    expect(down.body.message).toContain('cartStore');
    expect(down.body.details).toEqual({ database: { status: 'up' }, cartStore: { status: 'down' } });
  });
});
