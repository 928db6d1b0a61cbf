'use strict';
/**
 * The benchmark's baseline: what bare Node.js (node:http, ioredis, pg; no framework) does for two
 * of the app's routes.
 *
 * `POST /api/updatecart {sid, pid}` (add one unit):
 *   1. parse the JSON body and check sid and pid;
 *   2. one SQL read of the product's stock;
 *   3. one Redis round trip: a Lua script (ioredis defineCommand, EVALSHA) that checks the line
 *      against the stock, HINCRBYs it, refreshes the TTL and returns the whole cart hash;
 *   4. one SQL read of the cart's products (WHERE id = ANY($1));
 *   5. the cart view as JSON (same shape as the app's: items by pid, status, line totals, totals;
 *      no coupon is read or applied).
 * Errors: 400 bad body, 404 unknown product, 409 out of stock (cart unchanged).
 *
 * `GET /api/viewcart/:sid` (the least work of a cart view): one HGETALL, the products from a map in
 *   this process (kept 1 s, as the app's memory tier keeps them by default; the missing ones in one
 *   SQL read), the same view JSON. No validation pipeline, seen prices, coupon or notices.
 *
 * `POST /api/carts/:sid/checkout` (the essential work of the app's checkout, src/orders/):
 *   1. one Postgres transaction (BEGIN, READ COMMITTED): the cart's checkout lock as the app takes it
 *      (`pg_advisory_xact_lock(hashtextextended('cart:<sid>', 0))`), then the cart read from Redis
 *      (HGETALL, the app's layout: field pid = `<quantity>@<seen price>` or `<quantity>`), then the
 *      products' rows locked in id order (`SELECT ... WHERE id = ANY($1) ORDER BY id FOR UPDATE`),
 *      every line checked against the locked stock, the stock taken with the app's conditional
 *      update (`UPDATE product ... FROM unnest($1, $2) ... WHERE p.quantity >= t.quantity`, all
 *      lines or none), the order and its lines inserted in one statement (the app's CTE), COMMIT;
 *   2. then the bought lines taken out of the cart (one Lua step: HDEL, EXPIRE, as the app does);
 *   3. 201 with the order JSON (the app's shape). 409 `cart_empty`, 409 `cart_not_purchasable`
 *      (details.lines) when a line is short; nothing written then.
 *   Left out (the app does them; they are not the essential work): lock_timeout around the lock
 *   (checkout_in_progress), the pending-clears read, Idempotency-Key, expectedTotal, coupons (a
 *   coupon field in the cart is ignored), the money limit, the catalogue cache invalidation, and
 *   marking the order's cart cleared after the clear.
 *
 * It reads the app's tables (product, orders, order_line) in DATABASE_SCHEMA and keeps its carts as
 * hashes `<REDIS_KEY_PREFIX>cart:<sid>`, like the app. Started by bench/run.js with:
 * PORT, DATABASE_URL, DATABASE_SCHEMA, DATABASE_POOL_SIZE (default 10), REDIS_URL,
 * REDIS_KEY_PREFIX, CART_TTL_SECONDS (default 2592000).
 * GET /health answers once Postgres and Redis do.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { Pool } = require('pg');
const Redis = require('ioredis');

const env = process.env;
const port = Number(env.PORT || 0);
const schema = env.DATABASE_SCHEMA || 'public';
if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`DATABASE_SCHEMA must be a lower-case identifier: ${schema}`);
const ttl = Number(env.CART_TTL_SECONDS || 2592000);
const MAX_BODY = 100 * 1024;
const SID_RE = /^[A-Za-z0-9._~-]{1,128}$/;

const pool = new Pool({
  connectionString: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  max: Number(env.DATABASE_POOL_SIZE || 10),
});
const redis = new Redis(env.REDIS_URL || 'redis://127.0.0.1:6379', {
  keyPrefix: env.REDIS_KEY_PREFIX || 'bench_baseline:',
  enableAutoPipelining: true,
  maxRetriesPerRequest: 2,
});
redis.on('error', (err) => console.error('redis:', err.message));

// KEYS[1] cart hash; ARGV pid, stock, ttl. Returns {1, hgetall-flat} or {0, current quantity}.
redis.defineCommand('cartAdd', {
  numberOfKeys: 1,
  lua: `
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if cur + 1 > tonumber(ARGV[2]) then return {0, cur} end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, redis.call('HGETALL', KEYS[1])}
`,
});

// KEYS[1] cart hash; ARGV ttl, pid... The app's REMOVE_LINES_LUA: removes the bought lines, refreshes the TTL.
redis.defineCommand('cartRemoveLines', {
  numberOfKeys: 1,
  lua: `
local removed = redis.call('HDEL', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return removed
`,
});

const STOCK_SQL = `SELECT quantity FROM "${schema}".product WHERE id = $1`;
const CART_SQL = `SELECT id, name, price_cents, quantity FROM "${schema}".product WHERE id = ANY($1::int[])`;

// checkout: the app's statements (orders.repository.ts, products.repository.ts)
const LOCK_CART_SQL = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';
const LOCK_ROWS_SQL = `SELECT id, name, price_cents, quantity FROM "${schema}".product WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`;
const TAKE_STOCK_SQL = `UPDATE "${schema}".product p SET quantity = p.quantity - t.quantity, updated_at = now()
  FROM unnest($1::int[], $2::int[]) AS t(id, quantity)
 WHERE p.id = t.id AND p.quantity >= t.quantity`;
const INSERT_ORDER_SQL = `WITH placed AS (
   INSERT INTO "${schema}".orders (id, sid, cart_id, user_id, subtotal_cents, discount_cents, total_cents, coupon_code, coupon_name, idempotency_key, cart_fingerprint, created_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id)
 INSERT INTO "${schema}".order_line (order_id, product_id, name, price_cents, quantity, line_total_cents, line_discount_cents)
 SELECT placed.id, t.* FROM placed, unnest($13::int[], $14::varchar[], $15::int[], $16::int[], $17::bigint[], $18::bigint[]) AS t`;
const LINE_VALUE = /^(\d+)(?:@(\d+))?$/;

function send(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function fail(res, status, code, message, extra) {
  send(res, status, { ...extra, statusCode: status, code, message });
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('payload too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(Object.assign(new Error('malformed JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

/** Same rules as the app's view: items by pid, `ok` lines in the totals, deleted products dropped. */
function cartView(sid, flat, rows) {
  const byId = new Map();
  for (const r of rows) byId.set(r.id, r);
  const lines = [];
  for (let i = 0; i < flat.length; i += 2) lines.push([Number(flat[i]), Number(flat[i + 1])]);
  lines.sort((a, b) => a[0] - b[0]);
  const items = [];
  const removed = [];
  let subtotal = 0;
  let itemCount = 0;
  for (const [pid, incart] of lines) {
    const p = byId.get(pid);
    if (!p) {
      removed.push({ pid, reason: 'deleted' });
      continue;
    }
    const status = p.quantity <= 0 ? 'out_of_stock' : p.quantity < incart ? 'insufficient_stock' : 'ok';
    const lineCents = p.price_cents * incart;
    if (status === 'ok') subtotal += lineCents;
    itemCount += incart;
    items.push({ pid, name: p.name, price: p.price_cents / 100, incart, instock: p.quantity, status, lineTotal: lineCents / 100, lineDiscount: 0 });
  }
  // no coupon here: the constant fields only keep the answer the same size as the app's
  return { view: { sid, items, removed, coupon: null, notices: [], subtotal: subtotal / 100, discount: 0, total: subtotal / 100, itemCount }, removed };
}

async function updateCart(req, res) {
  const body = await readJson(req);
  const sid = body && body.sid;
  const pid = body && body.pid;
  if (typeof sid !== 'string' || !SID_RE.test(sid)) return fail(res, 400, 'validation_failed', 'sid: invalid');
  if (!Number.isInteger(pid) || pid < 1 || pid > 2147483647) return fail(res, 400, 'validation_failed', 'pid: invalid');

  const stockRows = (await pool.query(STOCK_SQL, [pid])).rows;
  if (stockRows.length === 0) return fail(res, 404, 'product_not_found', `Product ${pid} not found`, { details: { pid } });
  const stock = stockRows[0].quantity;

  const key = `cart:${sid}`;
  const [ok, cart] = await redis.cartAdd(key, pid, stock, ttl);
  if (ok !== 1) {
    return fail(res, 409, 'out_of_stock', `Only ${stock} unit(s) of product ${pid} in stock; ${cart + 1} requested`, {
      instock: stock,
      details: { pid, instock: stock, incart: cart, requested: cart + 1 },
    });
  }
  const ids = [];
  for (let i = 0; i < cart.length; i += 2) ids.push(Number(cart[i]));
  const rows = (await pool.query(CART_SQL, [ids])).rows;
  const { view, removed } = cartView(sid, cart, rows);
  if (removed.length > 0) await redis.hdel(key, ...removed.map((r) => r.pid));
  send(res, 200, view);
}

/**
 * Products for the view, kept in this process for PRODUCT_TTL_MS (the app's memory tier and its
 * default PRODUCT_CACHE_TTL_MS): those missing or older are read in one query.
 */
const PRODUCT_TTL_MS = 1000;
const productRows = new Map(); // id -> { row, at }

async function productsFor(ids) {
  const now = Date.now();
  const rows = [];
  const missing = [];
  for (const id of ids) {
    const hit = productRows.get(id);
    if (hit && now - hit.at < PRODUCT_TTL_MS) rows.push(hit.row);
    else missing.push(id);
  }
  if (missing.length > 0) {
    for (const row of (await pool.query(CART_SQL, [missing])).rows) {
      productRows.set(row.id, { row, at: now });
      rows.push(row);
    }
  }
  return rows;
}

/** GET /api/viewcart/:sid: the least a view is, the cart (HGETALL) reconciled with the catalogue as JSON. */
async function viewCart(res, sid) {
  if (!SID_RE.test(sid)) return fail(res, 400, 'validation_failed', 'sid: invalid');
  const lines = cartLines(await redis.hgetall(`cart:${sid}`));
  const flat = lines.flatMap((l) => [l.pid, l.quantity]);
  const { view } = cartView(sid, flat, lines.length > 0 ? await productsFor(lines.map((l) => l.pid)) : []);
  send(res, 200, view);
}

/** The cart hash (HGETALL) as lines {pid, quantity}; the coupon field is left out (no coupons here). */
function cartLines(hash) {
  const lines = [];
  for (const [field, value] of Object.entries(hash)) {
    if (field === 'coupon') continue;
    const m = LINE_VALUE.exec(value);
    if (m) lines.push({ pid: Number(field), quantity: Number(m[1]) });
  }
  return lines.sort((a, b) => a.pid - b.pid);
}

class Refusal extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

async function checkout(req, res, sid) {
  req.resume(); // the body (expectedTotal) is not used here
  if (!SID_RE.test(sid)) return fail(res, 400, 'validation_failed', 'sid: invalid');
  const key = `cart:${sid}`;
  const client = await pool.connect();
  let broken;
  let order;
  let lines;
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    try {
      await client.query(LOCK_CART_SQL, [`cart:${sid}`]);
      lines = cartLines(await redis.hgetall(key));
      if (lines.length === 0) throw new Refusal(409, 'cart_empty', `Cart ${sid} is empty`);
      const rows = (await client.query(LOCK_ROWS_SQL, [lines.map((l) => l.pid)])).rows;
      const byId = new Map(rows.map((r) => [r.id, r]));
      const problems = [];
      for (const l of lines) {
        const p = byId.get(l.pid);
        const status = !p ? 'deleted' : p.quantity <= 0 ? 'out_of_stock' : p.quantity < l.quantity ? 'insufficient_stock' : 'ok';
        if (status !== 'ok') problems.push({ pid: l.pid, incart: l.quantity, instock: p ? p.quantity : 0, status });
      }
      const short = () => new Refusal(409, 'cart_not_purchasable', `${problems.length} line(s) cannot be bought at the current stock; nothing was charged`, { lines: problems });
      if (problems.length > 0) throw short();
      const taken = await client.query(TAKE_STOCK_SQL, [lines.map((l) => l.pid), lines.map((l) => l.quantity)]);
      if (taken.rowCount !== lines.length) {
        for (const l of lines) problems.push({ pid: l.pid, incart: l.quantity, instock: byId.get(l.pid).quantity, status: 'insufficient_stock' });
        throw short();
      }
      const items = lines.map((l) => {
        const p = byId.get(l.pid);
        return { pid: l.pid, name: p.name, priceCents: p.price_cents, quantity: l.quantity, lineCents: p.price_cents * l.quantity };
      });
      const subtotal = items.reduce((a, i) => a + i.lineCents, 0);
      const fingerprint = crypto.createHash('sha256').update(`${lines.map((l) => `${l.pid}:${l.quantity}`).join(',')}|`).digest('hex');
      order = { id: crypto.randomUUID(), items, subtotal, createdAt: new Date() };
      await client.query(INSERT_ORDER_SQL, [
        order.id, sid, sid, null, subtotal, 0, subtotal, null, null, null, fingerprint, order.createdAt,
        items.map((i) => i.pid), items.map((i) => i.name), items.map((i) => i.priceCents), items.map((i) => i.quantity), items.map((i) => i.lineCents), items.map(() => 0),
      ]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch((e) => (broken = e)); // a connection that cannot roll back is closed
      throw err;
    }
  } finally {
    client.release(broken);
  }
  await redis.cartRemoveLines(key, ttl, ...lines.map((l) => l.pid));
  send(res, 201, {
    id: order.id,
    status: 'placed',
    sid,
    items: order.items.map((i) => ({ pid: i.pid, name: i.name, price: i.priceCents / 100, quantity: i.quantity, lineDiscount: 0, lineTotal: i.lineCents / 100 })),
    subtotal: order.subtotal / 100,
    discount: 0,
    total: order.subtotal / 100,
    coupon: null,
    createdAt: order.createdAt.toISOString(),
  });
}

async function health(res) {
  await Promise.all([pool.query('SELECT 1'), redis.ping()]);
  send(res, 200, { status: 'ok' });
}

let closing = false;
let active = 0; // requests in flight, so that shutdown lets them finish before closing Redis and pg
const server = http.createServer((req, res) => {
  active++;
  res.once('close', () => active--);
  if (closing) res.setHeader('connection', 'close');
  let work;
  const co = req.method === 'POST' && /^\/api\/carts\/([^/?]+)\/checkout(?:\?.*)?$/.exec(req.url);
  const vc = req.method === 'GET' && /^\/api\/viewcart\/([^/?]+)$/.exec(req.url);
  if (req.method === 'POST' && req.url === '/api/updatecart') work = updateCart(req, res);
  else if (vc) work = viewCart(res, decodeURIComponent(vc[1]));
  else if (co) work = Promise.resolve().then(() => checkout(req, res, decodeURIComponent(co[1])));
  else if (req.method === 'GET' && req.url === '/health') work = health(res);
  else {
    req.resume();
    return fail(res, 404, 'route_not_found', `Cannot ${req.method} ${req.url}`);
  }
  work.catch((err) => {
    if (res.headersSent) return res.destroy();
    if (err instanceof URIError) return fail(res, 400, 'validation_failed', 'sid: invalid');
    if (err instanceof Refusal) return fail(res, err.status, err.code, err.message, err.details ? { details: err.details } : undefined);
    if (err && err.status) return fail(res, err.status, err.status === 413 ? 'payload_too_large' : 'malformed_json', err.message);
    console.error('baseline error:', err);
    fail(res, 500, 'internal_error', 'Internal error');
  });
});
server.keepAliveTimeout = 65_000;

server.listen(port, '127.0.0.1', () => {
  console.log(`baseline listening on http://127.0.0.1:${server.address().port}`);
});

async function shutdown() {
  if (closing) return;
  closing = true;
  server.close();
  server.closeIdleConnections?.();
  const deadline = Date.now() + 3000;
  while (active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await Promise.allSettled([pool.end(), redis.quit()]);
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
