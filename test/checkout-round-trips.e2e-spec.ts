import { randomUUID } from 'node:crypto';
import pg, { Client } from 'pg';
import request from 'supertest';
import { createCoupon } from './factories/coupon.factory';
import { createProduct } from './factories/product.factory';
import { figures } from './helpers/figures';
import { startTestApp, TEST_DATABASE_URL, TestApp } from './helpers/test-app';

/**
 * Issue 14: what one checkout costs in Postgres round trips. Every query (one message, one round
 * trip) the app's pg clients send while one checkout runs is recorded (no other request runs meanwhile), so a change that
 * adds a round trip to the hot path shows here.
 */
describe('Checkout: Postgres statements per order (e2e)', () => {
  let t: TestApp;
  let sent: string[] | null = null;
  const query = pg.Client.prototype.query;

  beforeAll(async () => {
    // before the app connects: the pool binds each new client's query (pg-driver.ts)
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text?: string };
      sent?.push((typeof first === 'string' ? first : (first?.text ?? '')).replace(/\s+/g, ' ').trim());
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    t = await startTestApp('checkout_statements');
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await t.close();
  });

  /** The statements the app sends during `work`, once every answer is in. */
  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    sent = [];
    await work();
    await new Promise((r) => setTimeout(r, 50)); // anything the checkout left running
    const out = sent;
    sent = null;
    return out;
  }

  const commits = (s: string[]) => s.filter((x) => /^COMMIT\b/i.test(x)).length;
  const isMark = (s: string) => /^UPDATE orders SET cart_cleared/.test(s);

  it('a checkout without coupon: one transaction in 5 round trips, then the mark of its clear', async () => {
    const p = await createProduct(t, { price: 3, quantity: 10 });
    const sid = `stmts-${Date.now().toString(36)}`;
    await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: p.id, quantity: 2 }).expect(200);
    await request(t.http).get(`/api/carts/${sid}`).expect(200); // the pending-clears set is read, in the background, by views

    const statements = await statementsOf(() => request(t.http).post(`/api/carts/${sid}/checkout`).set('Idempotency-Key', 'k-stmts').expect(201));
    figures('Postgres statements of one checkout (no coupon, with a key)', Object.fromEntries(statements.map((s, i) => [i + 1, s.slice(0, 100)])));
    // START TRANSACTION with the lock and the orders read, the products, the stock, the order, COMMIT; then the mark
    expect(statements[0]).toMatch(/^START TRANSACTION; SELECT .*pg_advisory_xact_lock.*; SELECT id, cart_cleared/);
    expect(statements.filter((x) => /^(START TRANSACTION|BEGIN)\b/i.test(x))).toHaveLength(1);
    expect(commits(statements)).toBe(1);
    expect(statements.filter(isMark)).toHaveLength(1);
    expect(statements.length).toBeLessThanOrEqual(6);
  });

  it('a checkout with a coupon: three more (the locked coupon row, then its links, the redemption)', async () => {
    const p = await createProduct(t, { price: 3, quantity: 10 });
    const c = await createCoupon(t, { name: 'half', multiplier: 0.5, products: [p.id] });
    const sid = `stmts-c-${Date.now().toString(36)}`;
    await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: p.id, quantity: 2 }).expect(200);
    await request(t.http).post(`/api/carts/${sid}/coupon`).send({ code: c.code }).expect(200);

    const statements = await statementsOf(() => request(t.http).post(`/api/carts/${sid}/checkout`).expect(201));
    figures('Postgres statements of one checkout (coupon, no key)', Object.fromEntries(statements.map((s, i) => [i + 1, s.slice(0, 100)])));
    expect(commits(statements)).toBe(1);
    // the three, between the products' lock and the stock update
    const at = (re: RegExp) => statements.findIndex((x) => re.test(x));
    const [rows, coupon, links, redeem, stock] = [/FROM product .*FOR UPDATE/, /FROM "[^"]+"\."coupon" "c".*FOR UPDATE/, /FROM coupon_product/, /UPDATE .*"coupon" SET "redemptions"/, /^UPDATE product p SET quantity/].map(at);
    expect([rows, coupon, links, redeem, stock].every((i, n, all) => i >= 0 && (n === 0 || i === all[n - 1] + 1))).toBe(true);
    expect(statements.length).toBeLessThanOrEqual(9);
  });

  it('concurrent checkouts share the statements (and commits) that mark their carts cleared', async () => {
    const p = await createProduct(t, { price: 3, quantity: 100 });
    const sids = Array.from({ length: 20 }, (_, i) => `stmts-n${i}-${Date.now().toString(36)}`);
    await Promise.all(sids.map((sid) => request(t.http).post(`/api/carts/${sid}/items`).send({ pid: p.id, quantity: 1 }).expect(200)));

    const statements = await statementsOf(() => Promise.all(sids.map((sid) => request(t.http).post(`/api/carts/${sid}/checkout`).expect(201))));
    const marks = statements.filter(isMark).length;
    figures('20 concurrent checkouts', { transactions: commits(statements), 'mark statements': marks });
    expect(commits(statements)).toBe(20);
    expect(marks).toBeGreaterThanOrEqual(1);
    expect(marks).toBeLessThan(20);
    for (const sid of sids) expect((await request(t.http).get(`/api/carts/${sid}`).expect(200)).body.items).toEqual([]);
    const { body } = await request(t.http).get(`/api/products/${p.id}`).expect(200);
    expect(body.quantity).toBe(80);
  });
});

/**
 * The cart's checkout lock, its wait bound and what follows, in the one statement that takes it:
 * against a lock held by another session, not a fake.
 */
describe('Checkout: the cart lock on a real server (e2e)', () => {
  let t: TestApp;
  let holder: Client;

  beforeAll(async () => {
    // statement timeout 1.5 s: the cart lock is waited for 1 s at most
    t = await startTestApp('checkout_lock', { DATABASE_STATEMENT_TIMEOUT_MS: '1500' });
    holder = new Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    await holder.query(`SET search_path = "${t.schema}"`);
  });
  afterAll(async () => {
    await holder.end();
    await t.close();
  });

  it('a checkout of a cart whose lock another session holds answers checkout_in_progress within the bound', async () => {
    const p = await createProduct(t, { price: 3, quantity: 10 });
    const sid = `lock-held-${Date.now().toString(36)}`;
    await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: p.id, quantity: 1 }).expect(200);
    await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`cart:${sid}`]);
    try {
      const started = Date.now();
      const res = await request(t.http).post(`/api/carts/${sid}/checkout`);
      const ms = Date.now() - started;
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('checkout_in_progress');
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(1500);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
    }
    expect((await request(t.http).post(`/api/carts/${sid}/checkout`).expect(201)).body.items).toEqual([expect.objectContaining({ pid: p.id, quantity: 1 })]);
  });

  it('a checkout that waited for the cart lock sees the order committed meanwhile (its Idempotency-Key replays it)', async () => {
    const sid = `lock-seen-${Date.now().toString(36)}`;
    const id = randomUUID();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`cart:${sid}`]);
    const waiting = request(t.http).post(`/api/carts/${sid}/checkout`).set('Idempotency-Key', 'k-seen').then((r) => r);
    await new Promise((r) => setTimeout(r, 300)); // the checkout waits for the lock
    // what a checkout holding the lock would commit: an order of this cart with this key
    await holder.query(
      `INSERT INTO orders (id, sid, cart_id, user_id, subtotal_cents, discount_cents, total_cents, coupon_code, coupon_name, idempotency_key, cart_fingerprint, created_at, cart_cleared)
       VALUES ($1, $2, $2, NULL, 0, 0, 0, NULL, NULL, 'k-seen', 'x', now(), true)`,
      [id, sid],
    );
    await holder.query('COMMIT');
    const res = await waiting;
    expect(res.status).toBe(200); // a statement snapshot taken before the wait would see no order: 409 cart_empty
    expect(res.body.id).toBe(id);
  });

  it('once it has the cart lock, a checkout waits for a product row longer than the cart lock bound (lock_timeout is reset)', async () => {
    const p = await createProduct(t, { price: 3, quantity: 10 });
    const sid = `row-held-${Date.now().toString(36)}`;
    await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: p.id, quantity: 1 }).expect(200);
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM product WHERE id = $1 FOR UPDATE', [p.id]);
    const release = setTimeout(() => void holder.query('COMMIT'), 1200);
    try {
      const res = await request(t.http).post(`/api/carts/${sid}/checkout`);
      expect(res.status).toBe(201);
    } finally {
      clearTimeout(release);
      await holder.query('COMMIT').catch(() => undefined);
    }
  });
});
