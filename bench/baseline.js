'use strict';
/**
 * The benchmark's baseline: what bare Node.js (node:http, ioredis, pg; no framework) does for
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
 * It reads the app's `product` table (id, name, price_cents, quantity) in DATABASE_SCHEMA and keeps
 * its carts as hashes `<REDIS_KEY_PREFIX>cart:<sid>`, like the app. Started by bench/run.js with:
 * PORT, DATABASE_URL, DATABASE_SCHEMA, DATABASE_POOL_SIZE (default 10), REDIS_URL,
 * REDIS_KEY_PREFIX, CART_TTL_SECONDS (default 2592000).
 * GET /health answers once Postgres and Redis do.
 */
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

const STOCK_SQL = `SELECT quantity FROM "${schema}".product WHERE id = $1`;
const CART_SQL = `SELECT id, name, price_cents, quantity FROM "${schema}".product WHERE id = ANY($1::int[])`;

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
  if (req.method === 'POST' && req.url === '/api/updatecart') work = updateCart(req, res);
  else if (req.method === 'GET' && req.url === '/health') work = health(res);
  else {
    req.resume();
    return fail(res, 404, 'route_not_found', `Cannot ${req.method} ${req.url}`);
  }
  work.catch((err) => {
    if (res.headersSent) return res.destroy();
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
