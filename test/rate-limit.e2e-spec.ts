import request from 'supertest';
import { ADMIN_KEY, scanKeys, startTestApp, TestApp } from './helpers/test-app';

describe('Rate limits (e2e, Redis storage)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp('rate_limit', { RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'loopback' });
    // a second instance on the same Redis prefix and schema: the budget is shared
    b = await startTestApp('rate_limit_b', { RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'loopback', DATABASE_SCHEMA: a.schema, REDIS_KEY_PREFIX: a.keyPrefix });
  });
  afterAll(async () => {
    try {
      await b?.app.close();
    } finally {
      await a?.close();
    }
  });

  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  it('attack: a client over its budget gets 429 rate_limited with Retry-After, across instances, on every limited route; others are unaffected', async () => {
    const ip = '203.0.113.7';
    const answers = [];
    answers.push((await request(a.http).post('/api/sessions').set(from(ip))).status);
    answers.push((await request(b.http).post('/api/carts/s1/items').set(from(ip)).send({ pid: 999 })).status);
    answers.push((await request(a.http).post('/api/updatecart').set(from(ip)).send({ sid: 's1', pid: 999 })).status);
    answers.push((await request(b.http).post('/api/carts/s1/checkout').set(from(ip))).status);
    answers.push((await request(a.http).delete('/api/carts/s1').set(from(ip))).status);
    expect(answers).toEqual([201, 404, 404, 409, 204]);
    for (const req of [
      request(a.http).post('/api/sessions'),
      request(b.http).post('/api/carts/s1/items').send({ pid: 1 }),
      request(a.http).put('/api/carts/s1/items/1').send({ quantity: 1 }),
      request(b.http).post('/api/carts/s1/coupon').send({ code: 'x' }),
      request(a.http).post('/api/carts/s1/checkout'),
      request(b.http).get('/auth/facebook'),
    ]) {
      const res = await req.set(from(ip)).expect(429);
      expect(res.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect((await scanKeys(`${a.keyPrefix}*ratelimit*`)).length).toBeGreaterThan(0); // counted in Redis, shared by both instances
    // another client, reads, and admin routes are not limited
    await request(a.http).post('/api/sessions').set(from('203.0.113.8')).expect(201);
    await request(a.http).get('/api/carts/s1').set(from(ip)).expect(200);
    await request(b.http).get('/api/products').set(from(ip)).expect(200);
    await request(a.http).post('/api/products').set(from(ip)).set('X-API-Key', ADMIN_KEY).send({ name: 'Free', price: 1, quantity: 1 }).expect(201);
  });

  /** Runs `body` against an app of its own with these settings, closed afterwards. */
  async function withApp(name: string, env: Record<string, string>, body: (c: TestApp) => Promise<void>): Promise<void> {
    const c = await startTestApp(name, env);
    try {
      await body(c);
    } finally {
      await c.close();
    }
  }

  it('believes X-Forwarded-For only as TRUST_PROXY says', () =>
    withApp('rate_limit_direct', { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'false' }, async (c) => {
      // without trust, spoofed forwarded addresses do not give a fresh budget
      await request(c.http).post('/api/sessions').set(from('198.51.100.1')).expect(201);
      await request(c.http).post('/api/sessions').set(from('198.51.100.2')).expect(201);
      expect((await request(c.http).post('/api/sessions').set(from('198.51.100.3')).expect(429)).body.code).toBe('rate_limited');
    }));

  it('TRUST_PROXY as a hop count believes that many forwarded hops', () =>
    withApp('rate_limit_hops', { RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: '1' }, async (c) => {
      // one trusted hop: the address the (test's) proxy forwarded is the client, each with its own budget
      await request(c.http).post('/api/sessions').set(from('198.51.100.1')).expect(201);
      await request(c.http).post('/api/sessions').set(from('198.51.100.2')).expect(201);
      expect((await request(c.http).post('/api/sessions').set(from('198.51.100.2')).expect(429)).body.code).toBe('rate_limited');
      // only the nearest hop is believed: an address the client put in front of it counts for nothing
      await request(c.http).post('/api/sessions').set('X-Forwarded-For', '203.0.113.9, 198.51.100.1').expect(429);
    }));

  it('RATE_LIMIT_PER_MINUTE=0 turns it off', () =>
    withApp('rate_limit_off', { RATE_LIMIT_PER_MINUTE: '0' }, async (c) => {
      for (let i = 0; i < 20; i++) await request(c.http).post('/api/sessions').expect(201);
      expect(await scanKeys(`${c.keyPrefix}*ratelimit*`)).toEqual([]); // not counted at all, not merely under a large budget
    }));
});
