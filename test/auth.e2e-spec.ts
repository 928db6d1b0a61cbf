import { createHmac } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createCoupon } from './factories/coupon.factory';
import { createProduct } from './factories/product.factory';
import { FacebookMock, startFacebookMock } from './helpers/facebook-mock';
import { newTestRedis, startTestApp, TestApp } from './helpers/test-app';

jest.setTimeout(60_000);

let seq = 0;
const newSid = () => `auth-${Date.now().toString(36)}-${++seq}`;

describe('Facebook login (e2e, against a local OAuth2 server)', () => {
  let fb: FacebookMock;
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    fb = await startFacebookMock();
    // the callback answers JSON only without a redirect target: with the storefront on, it would be the storefront
    t = await startTestApp('auth', { ...fb.env, STOREFRONT: 'false' });
    redis = newTestRedis(t.keyPrefix);
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
  async function authorize(profile: { id: string; name: string; email?: string }, startPath = '/auth/facebook'): Promise<URLSearchParams> {
    await fb.setProfile(profile);
    const start = await request(t.http).get(startPath).expect(302);
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

  async function login(profile: { id: string; name: string; email?: string } = { id: 'fb-1', name: 'Ada Lovelace', email: 'ada@example.com' }) {
    const params = await authorize(profile);
    const res = await callback(params).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    return res.body as { user: { id: number; name: string; email: string | null }; token: string };
  }

  type Line = { pid: number; incart: number };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const lines = (view: { items: Line[] }) => view.items.map((i) => [i.pid, i.incart]);
  /** The cart a request names: the token's user's if a token is given, else the sid's. */
  const cartOf = async (sid: string, token?: string) => (await request(t.http).get(`/api/carts/${sid}`).set(token ? bearer(token) : {}).expect(200)).body;
  const add = (sid: string, pid: number, quantity = 1, token?: string) =>
    request(t.http).post(`/api/carts/${sid}/items`).set(token ? bearer(token) : {}).send({ pid, quantity }).expect(200);
  const merge = (token: string, sid: string) => request(t.http).post('/api/me/cart/merge').set(bearer(token)).send({ sid });

  /** A token signed with the app's secret but with the given header and claims (for tokens the app must refuse). */
  const forge = (header: object, claims: object, secret = fb.env.JWT_SECRET, hash = 'sha256') => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${b64(header)}.${b64(claims)}`;
    return `${body}.${createHmac(hash, secret).update(body).digest('base64url')}`;
  };

  it('logs in: 200 {user, token} with no-store; /auth/me answers the user for the token, 401 without a good one', async () => {
    const res = await login({ id: 'fb-me', name: 'Grace Hopper', email: 'grace@example.com' });
    expect(res).toEqual({ user: { id: expect.any(Number), name: 'Grace Hopper', email: 'grace@example.com' }, token: expect.any(String) });
    const me = await request(t.http).get('/auth/me').set(bearer(res.token)).expect(200);
    expect(me.body).toEqual({ id: res.user.id, name: 'Grace Hopper', email: 'grace@example.com', role: 'customer' });
    expect((await request(t.http).get('/auth/me').expect(401)).body.code).toBe('unauthorized');
    await request(t.http).get('/auth/me').set('Authorization', 'Bearer not.a.token').expect(401);
    await request(t.http).get('/auth/me').set(bearer(`${res.token}x`)).expect(401);
    // the same Facebook account again is the same user
    expect((await login({ id: 'fb-me', name: 'Grace B. Hopper', email: 'grace@example.com' })).user).toMatchObject({ id: res.user.id, name: 'Grace B. Hopper' });
    // a profile without an email (the user declined the permission)
    expect((await login({ id: 'fb-no-email', name: 'No Email' })).user).toMatchObject({ name: 'No Email', email: null });
  });

  it("attack: a login link carrying the attacker's sid, opened by the victim, gives the attacker nothing", async () => {
    const p = await createProduct(t, { quantity: 10 });
    const attackerSid = newSid();
    await add(attackerSid, p.id, 1);
    // the victim follows GET /auth/facebook?sid=<attacker's sid>; the sid is ignored
    const params = await authorize({ id: 'fb-victim', name: 'Victim' }, `/auth/facebook?sid=${attackerSid}`);
    const done = await callback(params).expect(200);
    expect(done.body).not.toHaveProperty('sid');
    const victim = done.body.token as string;
    await add(newSid(), p.id, 3, victim); // the victim's own cart, by token
    // the attacker's sid still names only the attacker's anonymous cart
    expect(lines(await cartOf(attackerSid))).toEqual([[p.id, 1]]);
    await request(t.http).post('/api/updatecart').send({ sid: attackerSid, pid: p.id, v: 9 }).expect(200);
    expect(lines(await cartOf('any-sid', victim))).toEqual([[p.id, 3]]);
    // an order the attacker places with the sid is not the victim's
    await request(t.http).post(`/api/carts/${attackerSid}/checkout`).expect(201);
    expect((await request(t.http).get('/api/me/orders').set(bearer(victim)).expect(200)).body).toEqual({ items: [], total: 0 });
  });

  it("every cart route acts on the token's cart with a token, on the sid's anonymous cart without; two devices share the user's cart", async () => {
    const a = await createProduct(t, { quantity: 10 });
    const b = await createProduct(t, { quantity: 10 });
    const c = await createCoupon(t);
    const { token } = await login({ id: 'fb-routes', name: 'Routes' });
    const phone = newSid();
    const laptop = newSid();
    await add(phone, a.id, 2, token);
    await request(t.http).put(`/api/carts/${laptop}/items/${b.id}`).set(bearer(token)).send({ quantity: 1 }).expect(200);
    await request(t.http).post('/api/updatecart').set(bearer(token)).send({ sid: laptop, pid: a.id, v: 5 }).expect(200);
    await request(t.http).post(`/api/carts/${phone}/coupon`).set(bearer(token)).send({ code: c.code }).expect(200);
    const viaView = await request(t.http).get(`/api/viewcart/${laptop}`).set(bearer(token)).expect(200);
    expect(viaView.body.sid).toBe(laptop);
    expect(lines(viaView.body)).toEqual([[a.id, 5], [b.id, 1]]);
    expect(viaView.body.coupon.code).toBe(c.code);
    expect(lines((await request(t.http).get(`/api/viewcart?sid=${phone}`).set(bearer(token)).expect(200)).body)).toEqual([[a.id, 5], [b.id, 1]]);
    // without the token the same sids are (empty) anonymous carts
    expect((await cartOf(phone)).items).toEqual([]);
    expect((await cartOf(laptop)).items).toEqual([]);
    await request(t.http).delete(`/api/carts/${phone}/items/${b.id}`).set(bearer(token)).expect(200);
    await request(t.http).delete(`/api/carts/${phone}/coupon`).set(bearer(token)).expect(200);
    const order = await request(t.http).post(`/api/carts/${laptop}/checkout`).set(bearer(token)).expect(201);
    expect(order.body.items.map((i: { pid: number; quantity: number }) => [i.pid, i.quantity])).toEqual([[a.id, 5]]);
    expect((await cartOf(phone, token)).items).toEqual([]);
    await request(t.http).delete(`/api/carts/${phone}`).set(bearer(token)).expect(204);
  });

  it('an invalid, expired, revoked or wrongly signed token is 401 on the cart routes, never the anonymous cart', async () => {
    const p = await createProduct(t, { quantity: 10 });
    const sid = newSid();
    await add(sid, p.id, 1);
    const { token, user } = await login({ id: 'fb-bad-tokens', name: 'Bad Tokens' });
    const revoked = (await login({ id: 'fb-bad-tokens', name: 'Bad Tokens' })).token;
    await request(t.http).post('/auth/logout').set(bearer(revoked)).expect(204);
    const now = Math.floor(Date.now() / 1000);
    const good = { sub: String(user.id), jti: 'a-jti', iat: now, exp: now + 600 };
    const bad = [
      'not.a.token',
      `${token}x`,
      forge({ alg: 'HS256', typ: 'JWT' }, { ...good, exp: now - 10 }), // expired
      forge({ alg: 'HS256', typ: 'JWT' }, { sub: good.sub, jti: 'x', iat: now }), // no exp
      forge({ alg: 'HS256', typ: 'JWT' }, { sub: good.sub, iat: now, exp: now + 600 }), // no jti
      forge({ alg: 'HS256', typ: 'JWT' }, good, 'another-secret-another-secret-another'), // wrong key
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`, // alg none
      forge({ alg: 'HS512', typ: 'JWT' }, good, fb.env.JWT_SECRET, 'sha512'), // our key, another algorithm: HS256 only
      revoked, // logged out
    ];
    for (const tok of bad) {
      for (const req of [
        request(t.http).get(`/api/carts/${sid}`),
        request(t.http).post(`/api/carts/${sid}/items`).send({ pid: p.id }),
        request(t.http).get(`/api/viewcart/${sid}`),
        request(t.http).post('/api/updatecart').send({ sid, pid: p.id }),
        request(t.http).post(`/api/carts/${sid}/checkout`),
        request(t.http).put(`/api/carts/${sid}/items/${p.id}`).send({ quantity: 2 }),
        request(t.http).delete(`/api/carts/${sid}/items/${p.id}`),
        request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: 'ANY' }),
        request(t.http).delete(`/api/carts/${sid}/coupon`),
        request(t.http).delete(`/api/carts/${sid}`),
        request(t.http).get(`/api/viewcart?sid=${sid}`),
        request(t.http).post('/api/me/cart/merge').send({ sid }),
      ]) {
        expect((await req.set(bearer(tok)).expect(401)).body.code).toBe('unauthorized');
      }
    }
    await request(t.http).get(`/api/carts/${sid}`).set('Authorization', 'Basic abc').expect(401);
    // a well-formed token of ours with both claims is accepted
    await request(t.http).get(`/api/carts/${sid}`).set(bearer(forge({ alg: 'HS256', typ: 'JWT' }, good))).expect(200);
    expect(lines(await cartOf(sid))).toEqual([[p.id, 1]]);
  });

  it('merge: the client asks; quantities add up, clamped to the stock; the user coupon wins; the anonymous cart is emptied; a repeat is a no-op', async () => {
    const a = await createProduct(t, { quantity: 4 });
    const b = await createProduct(t, { quantity: 10 });
    const c = await createProduct(t, { quantity: 10 });
    const mine = await createCoupon(t);
    const theirs = await createCoupon(t);
    const { token } = await login({ id: 'fb-merge', name: 'Merger' });
    await add('x', a.id, 3, token);
    await add('x', b.id, 1, token);
    await request(t.http).post('/api/carts/x/coupon').set(bearer(token)).send({ code: mine.code }).expect(200);

    const anon = newSid();
    await add(anon, a.id, 3);
    await add(anon, c.id, 2);
    await request(t.http).post(`/api/carts/${anon}/coupon`).send({ code: theirs.code }).expect(200);
    // logging in touches no cart
    await login({ id: 'fb-merge', name: 'Merger' });
    expect(lines(await cartOf(anon))).toEqual([[a.id, 3], [c.id, 2]]);

    const merged = await merge(token, anon).expect(200);
    expect(lines(merged.body)).toEqual([[a.id, 4], [b.id, 1], [c.id, 2]]);
    expect(merged.body.coupon.code).toBe(mine.code);
    expect(await cartOf(anon)).toMatchObject({ items: [], coupon: null });
    const again = await merge(token, anon).expect(200);
    expect(again.body).toEqual(merged.body);
    expect(lines(await cartOf('y', token))).toEqual([[a.id, 4], [b.id, 1], [c.id, 2]]);

    await request(t.http).post('/api/me/cart/merge').send({ sid: anon }).expect(401);
    expect((await merge(token, 'bad sid').expect(400)).body.details[0].field).toBe('sid');
  });

  it("merge takes the anonymous cart's coupon when the user cart has none", async () => {
    const p = await createProduct(t);
    const c = await createCoupon(t);
    const sid = newSid();
    await add(sid, p.id, 1);
    await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200);
    const { token } = await login({ id: 'fb-coupon-only', name: 'Coupon' });
    expect((await merge(token, sid).expect(200)).body.coupon.code).toBe(c.code);
  });

  describe('refused logins: 401, no token', () => {
    it('a forged state -> 401 invalid_state', async () => {
      const params = await authorize({ id: 'fb-forged', name: 'Forger' });
      params.set('state', 'A'.repeat(32));
      const res = await callback(params).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'invalid_state' });
      expect(res.body).not.toHaveProperty('token');
    });

    it('a callback in another browser than the one that started the login (no or another nonce cookie) -> 401 invalid_state', async () => {
      const params = await authorize({ id: 'fb-csrf', name: 'Victim' });
      expect((await callback(params, '').expect(401)).body.code).toBe('invalid_state');
      const again = await authorize({ id: 'fb-csrf', name: 'Victim' });
      expect((await callback(again, 'cw_login=someone-elses-nonce').expect(401)).body.code).toBe('invalid_state');
    });

    it('a reused state -> 401 invalid_state', async () => {
      const params = await authorize({ id: 'fb-reuse', name: 'Reuser' });
      await callback(params).expect(200);
      expect((await callback(params).expect(401)).body.code).toBe('invalid_state');
    });

    it('an expired state -> 401 invalid_state', async () => {
      const params = await authorize({ id: 'fb-expired', name: 'Late' });
      const key = `login:${params.get('state')}`;
      expect(await redis.ttl(key)).toBeGreaterThan(590);
      await redis.pexpire(key, 1);
      await new Promise((r) => setTimeout(r, 20));
      expect((await callback(params).expect(401)).body.code).toBe('invalid_state');
    });

    it('a missing state, or neither code nor error -> 401 invalid_state', async () => {
      const params = await authorize({ id: 'fb-missing', name: 'Missing' });
      params.delete('state');
      expect((await callback(params).expect(401)).body.code).toBe('invalid_state');
      expect((await request(t.http).get('/auth/facebook/callback').expect(401)).body.code).toBe('invalid_state');
    });

    it('a denial at Facebook -> 401 login_denied', async () => {
      const start = await request(t.http).get('/auth/facebook').expect(302);
      const state = new URL(start.headers.location).searchParams.get('state')!;
      const res = await request(t.http).get(`/auth/facebook/callback?error=access_denied&error_reason=user_denied&state=${state}`).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'login_denied' });
    });
  });

  it("logout revokes the token (401 afterwards, everywhere); the user's cart is kept for the next login", async () => {
    const p = await createProduct(t, { quantity: 10 });
    const { token } = await login({ id: 'fb-logout', name: 'Leaver' });
    const other = await login({ id: 'fb-logout', name: 'Leaver' });
    await add('s', p.id, 2, token);
    await request(t.http).post('/auth/logout').set(bearer(token)).expect(204);
    await request(t.http).get('/auth/me').set(bearer(token)).expect(401);
    expect((await request(t.http).get('/api/carts/s').set(bearer(token)).expect(401)).body.code).toBe('unauthorized');
    await request(t.http).post('/auth/logout').set(bearer(token)).expect(401);
    await request(t.http).post('/auth/logout').expect(401);
    // another token of the same user still works, and sees the cart
    expect(lines(await cartOf('s', other.token))).toEqual([[p.id, 2]]);
    const jti = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti as string;
    const ttl = await redis.ttl(`revoked:${jti}`);
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('an admin by role may use the admin routes with a Bearer token; a customer gets 403', async () => {
    const { token, user } = await login({ id: 'fb-admin', name: 'Admin To Be' });
    const body = { name: 'By token', price: 1, quantity: 1 };
    expect((await request(t.http).post('/api/products').set(bearer(token)).send(body).expect(403)).body.code).toBe('forbidden');
    await t.app.get(DataSource).query(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.id]);
    await request(t.http).post('/api/products').set(bearer(token)).send(body).expect(201);
    await request(t.http).get('/api/orders').set(bearer(token)).expect(200);
    await request(t.http).post('/api/products').set('Authorization', 'Bearer nope').send(body).expect(401);
  });

  it('orders placed with a token record the user; /api/me/orders lists only their own', async () => {
    const p = await createProduct(t, { quantity: 10 });
    const { token } = await login({ id: 'fb-orders', name: 'Buyer' });
    await add('any', p.id, 1, token);
    const order = (await request(t.http).post('/api/carts/any/checkout').set(bearer(token)).expect(201)).body;
    const anon = newSid();
    await add(anon, p.id, 1);
    await request(t.http).post(`/api/carts/${anon}/checkout`).expect(201);
    const mine = await request(t.http).get('/api/me/orders').set(bearer(token)).expect(200);
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const other = await login({ id: 'fb-orders-other', name: 'Someone else' });
    expect((await request(t.http).get('/api/me/orders').set(bearer(other.token)).expect(200)).body).toEqual({ items: [], total: 0 });
    await request(t.http).get('/api/me/orders').expect(401);
  });
});

describe('Facebook login settings', () => {
  it('without FACEBOOK_APP_ID the login routes answer 503 login_disabled and the rest works', async () => {
    const t = await startTestApp('auth_off', { FACEBOOK_APP_ID: undefined, JWT_SECRET: undefined });
    try {
      expect((await request(t.http).get('/auth/facebook').expect(503)).body).toMatchObject({ statusCode: 503, code: 'login_disabled' });
      expect((await request(t.http).get('/auth/facebook/callback?code=x&state=y').expect(503)).body.code).toBe('login_disabled');
      await request(t.http).get('/auth/me').set('Authorization', 'Bearer x').expect(401);
      await request(t.http).get('/api/viewcart/abc').expect(200);
    } finally {
      await t.close();
    }
  });

  it('with AUTH_SUCCESS_REDIRECT the callback redirects there with the token in the fragment only (empty body, no-store)', async () => {
    const fb = await startFacebookMock();
    const t = await startTestApp('auth_redirect', { ...fb.env, AUTH_SUCCESS_REDIRECT: 'https://shop.example/welcome' });
    try {
      await fb.setProfile({ id: 'fb-redirect', name: 'Redirected' });
      const start = await request(t.http).get('/auth/facebook').expect(302);
      const back = await fetch(start.headers.location, { redirect: 'manual' });
      const params = new URL(back.headers.get('location')!).searchParams;
      const nonce = String(start.headers['set-cookie']).split(';')[0];
      const done = await request(t.http).get(`/auth/facebook/callback?${params}`).set('Cookie', nonce).buffer(true).parse((res, cb) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => cb(null, text));
      }).expect(302);
      expect(done.body).toBe('');
      expect(done.headers['cache-control']).toBe('no-store');
      const target = new URL(done.headers.location);
      expect(`${target.origin}${target.pathname}`).toBe('https://shop.example/welcome');
      expect(target.search).toBe('');
      const fragment = new URLSearchParams(target.hash.slice(1));
      expect([...fragment.keys()]).toEqual(['token']);
      await request(t.http).get('/auth/me').set('Authorization', `Bearer ${fragment.get('token')}`).expect(200);
    } finally {
      await t.close();
      await fb.stop();
    }
  });
});
