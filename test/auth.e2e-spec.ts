import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createCoupon } from './factories/coupon.factory';
import { createProduct } from './factories/product.factory';
import { FacebookMock, startFacebookMock } from './helpers/facebook-mock';
import { startTestApp, TestApp, TEST_REDIS_URL } from './helpers/test-app';

jest.setTimeout(60_000);

let seq = 0;
const newSid = () => `auth-${Date.now().toString(36)}-${++seq}`;

describe('Facebook login (e2e, against a local OAuth2 server)', () => {
  let fb: FacebookMock;
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    fb = await startFacebookMock();
    t = await startTestApp('auth', fb.env);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: t.keyPrefix });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
    await fb.stop();
  });

  /** The browser's login cookie from the start of the flow (it must come back with the callback). */
  let cookie = '';
  const callback = (params: URLSearchParams, withCookie = cookie): request.Test =>
    request(t.http).get(`/auth/facebook/callback?${params}`).set('Cookie', withCookie);

  /** Follows the whole redirect flow up to (not including) the callback; returns the callback's query string. */
  async function authorize(sid: string, profile: { id: string; name: string; email?: string }): Promise<URLSearchParams> {
    await fb.setProfile(profile);
    const start = await request(t.http).get(`/auth/facebook?sid=${sid}`).expect(302);
    const setCookie = ([] as string[]).concat(start.headers['set-cookie'] ?? []);
    expect(setCookie[0]).toMatch(/^cw_login=[A-Za-z0-9_-]+; Path=\/auth\/facebook; Max-Age=600; HttpOnly; SameSite=Lax$/);
    cookie = setCookie[0].split(';')[0];
    const toFacebook = new URL(start.headers.location);
    expect(`${toFacebook.origin}${toFacebook.pathname}`).toBe(`${fb.issuer}/authorize`);
    expect(toFacebook.searchParams.get('client_id')).toBe('test-app-id');
    expect(toFacebook.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/auth/facebook/callback');
    expect(toFacebook.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const back = await fetch(toFacebook, { redirect: 'manual' });
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!).searchParams;
  }

  async function login(sid: string, profile: { id: string; name: string; email?: string } = { id: 'fb-1', name: 'Ada Lovelace', email: 'ada@example.com' }) {
    const params = await authorize(sid, profile);
    const res = await callback(params).expect(200);
    return res.body as { user: { id: number; name: string; email: string | null }; token: string; sid: string };
  }

  const cartOf = async (sid: string) => (await request(t.http).get(`/api/carts/${sid}`).expect(200)).body;
  const add = (sid: string, pid: number, quantity = 1) => request(t.http).post(`/api/carts/${sid}/items`).send({ pid, quantity }).expect(200);

  it('logs in: 200 {user, token, sid}; /auth/me answers the user for the token, 401 without a good one', async () => {
    const sid = newSid();
    const res = await login(sid, { id: 'fb-me', name: 'Grace Hopper', email: 'grace@example.com' });
    expect(res).toEqual({ user: { id: expect.any(Number), name: 'Grace Hopper', email: 'grace@example.com' }, token: expect.any(String), sid });
    const me = await request(t.http).get('/auth/me').set('Authorization', `Bearer ${res.token}`).expect(200);
    expect(me.body).toEqual({ id: res.user.id, name: 'Grace Hopper', email: 'grace@example.com', role: 'customer' });
    expect((await request(t.http).get('/auth/me').expect(401)).body.code).toBe('unauthorized');
    await request(t.http).get('/auth/me').set('Authorization', 'Bearer not.a.token').expect(401);
    await request(t.http).get('/auth/me').set('Authorization', `Bearer ${res.token}x`).expect(401);
    // the same Facebook account again is the same user
    expect((await login(newSid(), { id: 'fb-me', name: 'Grace B. Hopper', email: 'grace@example.com' })).user).toMatchObject({ id: res.user.id, name: 'Grace B. Hopper' });
    // a profile without an email (the user declined the permission)
    expect((await login(newSid(), { id: 'fb-no-email', name: 'No Email' })).user).toMatchObject({ name: 'No Email', email: null });
  });

  it('keeps the anonymous cart across login, and another device of the same user sees and edits the same cart', async () => {
    const a = await createProduct(t, { quantity: 10 });
    const b = await createProduct(t, { quantity: 10 });
    const phone = newSid();
    await add(phone, a.id, 2);
    await login(phone, { id: 'fb-devices', name: 'Two Devices' });
    expect((await cartOf(phone)).items.map((i: { pid: number; incart: number }) => [i.pid, i.incart])).toEqual([[a.id, 2]]);

    const laptop = newSid();
    await login(laptop, { id: 'fb-devices', name: 'Two Devices' });
    expect((await cartOf(laptop)).items.map((i: { pid: number }) => i.pid)).toEqual([a.id]);
    await add(laptop, b.id, 1);
    await request(t.http).post('/api/updatecart').send({ sid: phone, pid: a.id, v: 5 }).expect(200);
    const seen = await request(t.http).get(`/api/viewcart/${laptop}`).expect(200);
    expect(seen.body.sid).toBe(laptop);
    expect(seen.body.items.map((i: { pid: number; incart: number }) => [i.pid, i.incart])).toEqual([[a.id, 5], [b.id, 1]]);
  });

  it('merges: quantities added per product, clamped to the stock; the user cart keeps its coupon', async () => {
    const a = await createProduct(t, { quantity: 4 });
    const b = await createProduct(t, { quantity: 10 });
    const c = await createProduct(t, { quantity: 10 });
    const mine = await createCoupon(t);
    const theirs = await createCoupon(t);
    const first = newSid();
    await add(first, a.id, 3);
    await add(first, b.id, 1);
    await request(t.http).post(`/api/carts/${first}/coupon`).send({ code: mine.code }).expect(200);
    await login(first, { id: 'fb-merge', name: 'Merger' });

    const second = newSid();
    await add(second, a.id, 3);
    await add(second, c.id, 2);
    await request(t.http).post(`/api/carts/${second}/coupon`).send({ code: theirs.code }).expect(200);
    await login(second, { id: 'fb-merge', name: 'Merger' });
    const merged = await cartOf(second);
    expect(merged.items.map((i: { pid: number; incart: number }) => [i.pid, i.incart])).toEqual([[a.id, 4], [b.id, 1], [c.id, 2]]);
    expect(merged.coupon.code).toBe(mine.code);
    expect(await cartOf(first)).toMatchObject({ items: merged.items, coupon: { code: mine.code } });
  });

  it("takes the anonymous cart's coupon when the user cart has none", async () => {
    const p = await createProduct(t);
    const c = await createCoupon(t);
    const sid = newSid();
    await add(sid, p.id, 1);
    await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200);
    await login(sid, { id: 'fb-coupon-only', name: 'Coupon' });
    expect((await cartOf(sid)).coupon.code).toBe(c.code);
  });

  describe('refused logins: nobody logged in, no cart changes', () => {
    let p: { id: number };
    beforeAll(async () => {
      p = await createProduct(t, { quantity: 10 });
    });

    const expectAnonymous = async (sid: string) => {
      expect((await cartOf(sid)).items.map((i: { pid: number; incart: number }) => [i.pid, i.incart])).toEqual([[p.id, 1]]);
      expect(await redis.get(`session:${sid}`)).toBeNull();
    };

    it('a forged state -> 401 invalid_state', async () => {
      const sid = newSid();
      await add(sid, p.id);
      const params = await authorize(sid, { id: 'fb-forged', name: 'Forger' });
      params.set('state', 'A'.repeat(32));
      const res = await callback(params).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'invalid_state' });
      await expectAnonymous(sid);
    });

    it('a callback in another browser than the one that started the login (no or another nonce cookie) -> 401 invalid_state', async () => {
      const sid = newSid();
      await add(sid, p.id);
      const params = await authorize(sid, { id: 'fb-csrf', name: 'Victim' });
      expect((await callback(params, '').expect(401)).body.code).toBe('invalid_state');
      const again = await authorize(sid, { id: 'fb-csrf', name: 'Victim' });
      expect((await callback(again, 'cw_login=someone-elses-nonce').expect(401)).body.code).toBe('invalid_state');
      await expectAnonymous(sid);
    });

    it('a reused state -> 401 invalid_state', async () => {
      const sid = newSid();
      const params = await authorize(sid, { id: 'fb-reuse', name: 'Reuser' });
      await callback(params).expect(200);
      const other = newSid();
      await add(other, p.id);
      expect((await callback(params).expect(401)).body.code).toBe('invalid_state');
      await expectAnonymous(other);
    });

    it('an expired state -> 401 invalid_state', async () => {
      const sid = newSid();
      await add(sid, p.id);
      const params = await authorize(sid, { id: 'fb-expired', name: 'Late' });
      const key = `login:${params.get('state')}`;
      expect(await redis.ttl(key)).toBeGreaterThan(590);
      await redis.pexpire(key, 1);
      await new Promise((r) => setTimeout(r, 20));
      expect((await callback(params).expect(401)).body.code).toBe('invalid_state');
      await expectAnonymous(sid);
    });

    it('a missing state, or neither code nor error -> 401 invalid_state', async () => {
      const sid = newSid();
      await add(sid, p.id);
      const params = await authorize(sid, { id: 'fb-missing', name: 'Missing' });
      params.delete('state');
      expect((await callback(params).expect(401)).body.code).toBe('invalid_state');
      expect((await request(t.http).get('/auth/facebook/callback').expect(401)).body.code).toBe('invalid_state');
      await expectAnonymous(sid);
    });

    it('a denial at Facebook -> 401 login_denied', async () => {
      const sid = newSid();
      await add(sid, p.id);
      const start = await request(t.http).get(`/auth/facebook?sid=${sid}`).expect(302);
      const state = new URL(start.headers.location).searchParams.get('state')!;
      const res = await request(t.http).get(`/auth/facebook/callback?error=access_denied&error_reason=user_denied&state=${state}`).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'login_denied' });
      await expectAnonymous(sid);
    });

    it('a bad sid at the start -> 400', async () => {
      expect((await request(t.http).get('/auth/facebook?sid=bad%20sid').expect(400)).body.details[0].field).toBe('sid');
      await request(t.http).get('/auth/facebook').expect(400);
    });
  });

  it("logout unlinks the session: it gets a fresh empty cart; the user's cart is kept", async () => {
    const p = await createProduct(t, { quantity: 10 });
    const sid = newSid();
    const other = newSid();
    await add(sid, p.id, 2);
    await login(sid, { id: 'fb-logout', name: 'Leaver' });
    await login(other, { id: 'fb-logout', name: 'Leaver' });
    await request(t.http).post('/auth/logout').send({ sid }).expect(204);
    expect((await cartOf(sid)).items).toEqual([]);
    expect((await cartOf(other)).items.map((i: { incart: number }) => i.incart)).toEqual([2]);
    await add(sid, p.id, 1);
    expect((await cartOf(other)).items.map((i: { incart: number }) => i.incart)).toEqual([2]);
    await request(t.http).post('/auth/logout').send({ sid: 'bad sid' }).expect(400);
  });

  it('an admin by role may use the admin routes with a Bearer token; a customer gets 403', async () => {
    const { token, user } = await login(newSid(), { id: 'fb-admin', name: 'Admin To Be' });
    const body = { name: 'By token', price: 1, quantity: 1 };
    expect((await request(t.http).post('/api/products').set('Authorization', `Bearer ${token}`).send(body).expect(403)).body.code).toBe('forbidden');
    await t.app.get(DataSource).query(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.id]);
    await request(t.http).post('/api/products').set('Authorization', `Bearer ${token}`).send(body).expect(201);
    await request(t.http).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);
    await request(t.http).post('/api/products').set('Authorization', 'Bearer nope').send(body).expect(401);
  });

  it('orders placed from a linked session record the user; /api/me/orders lists only their own', async () => {
    const p = await createProduct(t, { quantity: 10 });
    const sid = newSid();
    const { token } = await login(sid, { id: 'fb-orders', name: 'Buyer' });
    await add(sid, p.id, 1);
    const order = (await request(t.http).post(`/api/carts/${sid}/checkout`).expect(201)).body;
    const anon = newSid();
    await add(anon, p.id, 1);
    await request(t.http).post(`/api/carts/${anon}/checkout`).expect(201);
    const mine = await request(t.http).get('/api/me/orders').set('Authorization', `Bearer ${token}`).expect(200);
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const other = await login(newSid(), { id: 'fb-orders-other', name: 'Someone else' });
    expect((await request(t.http).get('/api/me/orders').set('Authorization', `Bearer ${other.token}`).expect(200)).body).toEqual({ items: [], total: 0 });
    await request(t.http).get('/api/me/orders').expect(401);
  });
});

describe('Facebook login settings', () => {
  it('without FACEBOOK_APP_ID the login routes answer 503 login_disabled and the rest works', async () => {
    const t = await startTestApp('auth_off', { FACEBOOK_APP_ID: undefined, JWT_SECRET: undefined });
    try {
      expect((await request(t.http).get('/auth/facebook?sid=abc').expect(503)).body).toMatchObject({ statusCode: 503, code: 'login_disabled' });
      expect((await request(t.http).get('/auth/facebook/callback?code=x&state=y').expect(503)).body.code).toBe('login_disabled');
      await request(t.http).get('/auth/me').set('Authorization', 'Bearer x').expect(401);
      await request(t.http).get('/api/viewcart/abc').expect(200);
    } finally {
      await t.close();
    }
  });

  it('with AUTH_SUCCESS_REDIRECT the callback redirects there with the token in the fragment', async () => {
    const fb = await startFacebookMock();
    const t = await startTestApp('auth_redirect', { ...fb.env, AUTH_SUCCESS_REDIRECT: 'https://shop.example/welcome' });
    try {
      await fb.setProfile({ id: 'fb-redirect', name: 'Redirected' });
      const start = await request(t.http).get('/auth/facebook?sid=redir-sid').expect(302);
      const back = await fetch(start.headers.location, { redirect: 'manual' });
      const params = new URL(back.headers.get('location')!).searchParams;
      const nonce = String(start.headers['set-cookie']).split(';')[0];
      const done = await request(t.http).get(`/auth/facebook/callback?${params}`).set('Cookie', nonce).expect(302);
      const target = new URL(done.headers.location);
      expect(`${target.origin}${target.pathname}`).toBe('https://shop.example/welcome');
      expect(target.search).toBe('');
      const fragment = new URLSearchParams(target.hash.slice(1));
      expect(fragment.get('sid')).toBe('redir-sid');
      await request(t.http).get('/auth/me').set('Authorization', `Bearer ${fragment.get('token')}`).expect(200);
    } finally {
      await t.close();
      await fb.stop();
    }
  });
});
