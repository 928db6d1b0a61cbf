import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { AppProcess, startAppProcess } from './helpers/app-process';
import { FaultProxy, startFaultProxy } from './helpers/fault-proxy';
import { figures } from './helpers/figures';
import { pollUntil } from './helpers/load';
import { ADMIN_KEY, deleteKeys, dropSchema, startTestApp, TEST_DATABASE_URL, TEST_REDIS_URL, TestApp, uniqueName } from './helpers/test-app';

jest.setTimeout(120_000);

const pgTarget = () => {
  const u = new URL(TEST_DATABASE_URL);
  return { host: u.hostname, port: Number(u.port || 5432) };
};

/** Resolves when a client of `proxy` sends `text`; the proxy then holds what follows (see `after`). */
function holdWhenSent(proxy: FaultProxy, text: string, opts: { after?: boolean } = {}): Promise<number> {
  return new Promise((resolve) =>
    proxy.whenClientSends(
      text,
      () => {
        proxy.stallNow();
        resolve(Date.now());
      },
      opts,
    ),
  );
}

async function sql<T>(schema: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text.replaceAll('$schema', `"${schema}"`), values)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Issue 10, the checkout rows. Two app processes share Postgres and Redis, each reaching Postgres
 * through its own fault proxy; one is SIGKILLed in the middle of a checkout (its transaction held
 * open by the proxy) and the retry, with the same Idempotency-Key, goes to the other.
 */
describe('Faults: an instance SIGKILLed during checkout (two processes, e2e)', () => {
  const schema = uniqueName('fault_kill');
  const prefix = `${schema}:`;
  const env = { DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, ADMIN_API_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '0' };
  let proxies: FaultProxy[] = [];
  let apps: AppProcess[] = [];
  let pid: number;

  beforeAll(async () => {
    proxies = await Promise.all([startFaultProxy(pgTarget()), startFaultProxy(pgTarget())]);
    apps = await Promise.all(proxies.map((p) => startAppProcess({ ...env, DATABASE_URL: p.url(TEST_DATABASE_URL) })));
    pid = (await request(apps[0].url).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'Stool', price: 12, quantity: 10 }).expect(201)).body.id;
  });
  afterAll(async () => {
    for (const app of apps) if (app.child.exitCode === null && app.child.signalCode === null) await app.stop();
    await Promise.all(proxies.map((p) => p.close()));
    await dropSchema(schema);
    await deleteKeys(prefix);
  });

  it('killed before its commit: the first retry on the other instance gets the final answer (201, the order placed once)', async () => {
    const [victim, other] = apps;
    await request(other.url).post('/api/carts/kill-1/items').send({ pid, quantity: 2 }).expect(200);
    const held = holdWhenSent(proxies[0], 'INSERT INTO orders'); // lock, rows and stock taken; the insert never arrives
    const doomed = request(victim.url).post('/api/carts/kill-1/checkout').set('Idempotency-Key', 'k-kill-1').then(
      (r) => r.status,
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    await held;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const retry = await request(other.url).post('/api/carts/kill-1/checkout').set('Idempotency-Key', 'k-kill-1');
    const answeredIn = Date.now() - killedAt;

    expect(await doomed).toBe('ECONNRESET');
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ status: 'placed', items: [{ pid, quantity: 2 }] });
    expect(answeredIn).toBeLessThan(2000);
    const [{ quantity }] = await sql<{ quantity: number }>(schema, 'SELECT quantity FROM $schema.product WHERE id = $1', [pid]);
    expect(quantity).toBe(8);
    expect((await request(other.url).get('/api/carts/kill-1').expect(200)).body.items).toEqual([]);
    const again = await request(other.url).post('/api/carts/kill-1/checkout').set('Idempotency-Key', 'k-kill-1').expect(200);
    expect(again.body.id).toBe(retry.body.id);
    figures('Instance SIGKILLed during checkout, before the commit', { 'first retry (other instance) answered after ms': answeredIn, 'its status': retry.status });
  });

  it('killed after its commit, before clearing the cart or answering: the first retry returns the order (200) and clears the cart', async () => {
    const [, victim] = apps;
    const survivor = apps[0].child.exitCode === null && apps[0].child.signalCode === null ? apps[0] : await startAppProcess({ ...env, DATABASE_URL: TEST_DATABASE_URL });
    if (survivor !== apps[0]) apps.push(survivor);
    await request(victim.url).post('/api/carts/kill-2/items').send({ pid, quantity: 3 }).expect(200);
    const held = holdWhenSent(proxies[1], 'COMMIT\0', { after: true }); // the commit goes through, its answer never comes back
    const doomed = request(victim.url).post('/api/carts/kill-2/checkout').set('Idempotency-Key', 'k-kill-2').then(
      (r) => r.status,
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    await held;
    for (let i = 0; ; i++) {
      const [{ n }] = await sql<{ n: number }>(schema, 'SELECT count(*)::int AS n FROM $schema.orders WHERE idempotency_key = $1', ['k-kill-2']);
      if (n === 1) break;
      if (i === 100) throw new Error('the order was not committed within 2 s: nothing to kill the instance after');
      await new Promise((r) => setTimeout(r, 20));
    }
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const retry = await request(survivor.url).post('/api/carts/kill-2/checkout').set('Idempotency-Key', 'k-kill-2');
    const answeredIn = Date.now() - killedAt;

    expect(await doomed).toBe('ECONNRESET');
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'placed', items: [{ pid, quantity: 3 }] });
    expect(answeredIn).toBeLessThan(2000);
    const [order] = await sql<{ id: string; cart_cleared: boolean }>(schema, 'SELECT id, cart_cleared FROM $schema.orders WHERE idempotency_key = $1', ['k-kill-2']);
    expect(order).toEqual({ id: retry.body.id, cart_cleared: true });
    expect((await request(survivor.url).get('/api/carts/kill-2').expect(200)).body.items).toEqual([]);
    // (the dead instance never told the catalogue cache: its readers see the stock within PRODUCT_CACHE_TTL_MS)
    const [{ quantity }] = await sql<{ quantity: number }>(schema, 'SELECT quantity FROM $schema.product WHERE id = $1', [pid]);
    expect(quantity).toBe(5);
    figures('Instance SIGKILLed during checkout, after the commit', { 'first retry (other instance) answered after ms': answeredIn, 'its status': retry.status });
  });
});

/**
 * Issue 10: the cart store fails between the order's commit and the cart's clear. The order stands
 * (201); the cart's next view, once Redis is back, takes the bought lines out, once.
 */
describe('Faults: Redis fails between the commit and the clear (e2e)', () => {
  let pgProxy: FaultProxy;
  let redisProxy: FaultProxy;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    pgProxy = await startFaultProxy(pgTarget());
    const redis = new URL(TEST_REDIS_URL);
    redisProxy = await startFaultProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    t = await startTestApp('fault_clear', { DATABASE_URL: pgProxy.url(TEST_DATABASE_URL), REDIS_URL: redisProxy.url(TEST_REDIS_URL), LOG_LEVEL: 'silent' });
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([pgProxy?.close(), redisProxy?.close()]);
  });

  it('the order is placed (201); the next view after Redis returns finishes the clear, once', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    const a = (await request(base).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'Mug', price: 4, quantity: 10 }).expect(201)).body.id;
    const b = (await request(base).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'Tray', price: 6, quantity: 10 }).expect(201)).body.id;
    await request(base).post('/api/carts/uncleared/items').send({ pid: a, quantity: 2 }).expect(200);
    await request(base).post('/api/carts/uncleared/items').send({ pid: b, quantity: 1 }).expect(200);

    pgProxy.whenClientSends('COMMIT\0', () => void redisProxy.refuse()); // Redis goes just as the order commits
    const placed = await request(base).post('/api/carts/uncleared/checkout').set('Idempotency-Key', 'k-uncleared');
    expect(placed.status).toBe(201);
    expect(logged.mock.calls.some((c) => String(c[0]).includes('not cleared yet'))).toBe(true);
    await request(base).get('/api/carts/uncleared').expect(503);

    const backAt = Date.now();
    await redisProxy.pass();
    const view = await pollUntil(base, { path: '/api/carts/uncleared' }, (o) => o.status === 200, { everyMs: 10 });
    expect(view).toMatchObject({ status: 200, body: { items: [] } }); // the first view that works
    expect((await request(base).get('/api/carts/uncleared').expect(200)).body.items).toEqual([]);
    const [order] = await sql<{ cart_cleared: boolean }>(t.schema, 'SELECT cart_cleared FROM $schema.orders WHERE id = $1', [placed.body.id]);
    expect(order.cart_cleared).toBe(true);

    // once: what is added afterwards stays, and is bought by the next checkout
    await request(base).post('/api/carts/uncleared/items').send({ pid: a, quantity: 1 }).expect(200);
    expect((await request(base).get('/api/carts/uncleared').expect(200)).body.items).toEqual([expect.objectContaining({ pid: a, incart: 1 })]);
    const next = await request(base).post('/api/carts/uncleared/checkout').expect(201);
    expect(next.body.items).toEqual([expect.objectContaining({ pid: a, quantity: 1 })]);
    expect((await request(base).get(`/api/products/${a}`).expect(200)).body.quantity).toBe(7);
    figures('Redis fails between the commit and the clear', { 'checkout status': placed.status, 'view cleared after Redis returns, ms': view!.at + view!.ms - backAt });
  });
});
