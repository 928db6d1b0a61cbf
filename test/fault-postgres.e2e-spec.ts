import { Logger } from '@nestjs/common';
import { Agent } from 'node:http';
import request from 'supertest';
import { DataSource, QueryRunner } from 'typeorm';
import { FaultProxy, postgresError, startFaultProxy } from './helpers/fault-proxy';
import { figures } from './helpers/figures';
import { call, loggedMessages, Outcome, pollUntil, sleep, startLoad } from './helpers/load';
import { ADMIN_KEY, startTestApp, TEST_DATABASE_URL, TestApp } from './helpers/test-app';

jest.setTimeout(60_000);

const POOL_TIMEOUT_MS = 1000;
const STATEMENT_TIMEOUT_MS = 1000;

/** Every failure is the database's 503 with Retry-After, never a 500. */
function expectDatabaseUnavailable(outcomes: Outcome[]): void {
  expect(outcomes.filter((o) => o.status !== 200 && (o.status !== 503 || o.code !== 'database_unavailable' || o.retryAfter !== '2'))).toEqual([]);
}

/** Issue 10, the Postgres rows: the app's pool reaches the shared Postgres through a fault proxy. */
describe('Faults: Postgres stopped, stalled, out of connections (e2e)', () => {
  let proxy: FaultProxy;
  let t: TestApp;
  let base: string;
  let pid: number;
  const agent = new Agent({ keepAlive: true });
  const dbLoad = (i: number) => (i % 2 ? { path: `/api/products/${pid}` } : { path: '/api/viewcart/pg-cart' });

  beforeAll(async () => {
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    t = await startTestApp('fault_pg', {
      DATABASE_URL: proxy.url(TEST_DATABASE_URL),
      DATABASE_POOL_SIZE: '4',
      DATABASE_POOL_TIMEOUT_MS: String(POOL_TIMEOUT_MS),
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      PRODUCT_CACHE_TTL_MS: '0',
      LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'silent',
    });
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    pid = (await request(base).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'Lamp', price: 9, quantity: 50 }).expect(201)).body.id;
    await request(base).post('/api/updatecart').send({ sid: 'pg-cart', pid, v: 2 }).expect(200);
  });
  afterAll(async () => {
    agent.destroy();
    await proxy?.pass();
    await t?.close();
    await proxy?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('stopped under load: 503 database_unavailable with Retry-After at once, one log line per second with a count; back alone', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const load = startLoad(base, 8, dbLoad);
    await sleep(200);
    const stoppedAt = Date.now();
    await proxy.refuse();
    const notReady = await pollUntil(base, { path: '/health/ready' }, (o) => o.status === 503, { timeoutMs: 3000 });
    await sleep(1500);
    const backAt = Date.now();
    await proxy.pass();
    const ok = await pollUntil(base, { path: `/api/products/${pid}` }, (o) => o.status === 200, { everyMs: 10 });
    const outcomes = await load.stop();

    expectDatabaseUnavailable(outcomes);
    const during = outcomes.filter((o) => o.at > stoppedAt + 50 && o.at + o.ms < backAt);
    expect(during.length).toBeGreaterThan(50);
    expect(during.filter((o) => o.status !== 503)).toEqual([]);
    expect(Math.max(...during.map((o) => o.ms))).toBeLessThan(1000);
    expect(notReady!.at + notReady!.ms - stoppedAt).toBeLessThan(1000);
    expect(ok!.at + ok!.ms - backAt).toBeLessThan(1000);
    const lines = loggedMessages(errors).filter((m) => m.startsWith('database_unavailable'));
    const kinds = new Set(lines.map((l) => l.replace(/ \(x\d+ in the last 1 s\)$/, '')));
    expect(lines.length).toBeLessThanOrEqual(kinds.size * 3); // ~1.7 s of outage: at most 3 lines per kind
    expect(lines.some((l) => / \(x\d+ in the last 1 s\)$/.test(l))).toBe(true);

    figures('Postgres stopped during load', {
      requests: outcomes.length,
      'answered 503 database_unavailable during the outage': `${during.filter((o) => o.status === 503).length}/${during.length}`,
      'slowest 503 ms': Math.max(...during.map((o) => o.ms)),
      'readiness 503 after stop ms': notReady!.at + notReady!.ms - stoppedAt,
      '200 again after Postgres answers ms': ok!.at + ok!.ms - backAt,
      'error log lines': `${lines.length} for ${during.length} failures (${[...kinds].join(' | ')})`,
    });
  });

  it(`stalled: statement_timeout ${STATEMENT_TIMEOUT_MS} ms + 1 s on the client, or the pool wait: 503 within ~2 s, readiness 503 within 1 s; back alone`, async () => {
    const load = startLoad(base, 8, dbLoad);
    await sleep(200);
    const stalledAt = Date.now();
    await proxy.stall();
    const notReady = await pollUntil(base, { path: '/health/ready' }, (o) => o.status === 503, { timeoutMs: 3000 });
    await sleep(2500);
    const resumedAt = Date.now();
    await proxy.pass();
    const ok = await pollUntil(base, { path: `/api/products/${pid}` }, (o) => o.status === 200, { everyMs: 10 });
    const outcomes = await load.stop();

    expectDatabaseUnavailable(outcomes);
    const during = outcomes.filter((o) => o.at > stalledAt + 50 && o.at + o.ms < resumedAt);
    expect(during.length).toBeGreaterThanOrEqual(3); // each waits ~1-2 s
    expect(during.filter((o) => o.status !== 503)).toEqual([]);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    expect(slowest).toBeLessThan(STATEMENT_TIMEOUT_MS + 1000 + 500);
    expect(notReady!.at + notReady!.ms - stalledAt).toBeLessThan(1000);
    expect(ok!.at + ok!.ms - resumedAt).toBeLessThan(1000);

    figures('Postgres stalled', {
      requests: outcomes.length,
      'answered 503 during the stall': `${during.filter((o) => o.status === 503).length}/${during.length}`,
      'slowest request ms': slowest,
      'readiness 503 after stall ms': notReady!.at + notReady!.ms - stalledAt,
      '200 again after resume ms': ok!.at + ok!.ms - resumedAt,
    });
  });

  it(`out of connections ("too many clients", 53300): waits for a slot up to DATABASE_POOL_TIMEOUT_MS (${POOL_TIMEOUT_MS} ms), then 503; a slot in time is used`, async () => {
    await proxy.reply(postgresError('53300', 'sorry, too many clients already'));
    proxy.cut(); // the pool's connections are gone: it must open new ones, which the server refuses
    await sleep(100);
    const refused = await call(base, agent, { path: `/api/products/${pid}` });
    expect(refused).toMatchObject({ status: 503, code: 'database_unavailable', retryAfter: '2' });
    expect(refused.ms).toBeGreaterThanOrEqual(POOL_TIMEOUT_MS - 100);
    expect(refused.ms).toBeLessThan(POOL_TIMEOUT_MS + 500);

    const waiting = call(base, agent, { path: `/api/products/${pid}` });
    await sleep(300);
    await proxy.pass(); // a slot frees up
    const served = await waiting;
    expect(served.status).toBe(200);
    expect(served.ms).toBeLessThan(POOL_TIMEOUT_MS);

    figures('Postgres out of connections (53300)', { 'refused for the whole wait: 503 after ms': refused.ms, 'slot free after 300 ms: 200 after ms': served.ms });
  });

  it(`pool exhausted (all DATABASE_POOL_SIZE connections busy): waits up to ${POOL_TIMEOUT_MS} ms, then 503; a released connection is used`, async () => {
    const ds = t.app.get(DataSource);
    const held: QueryRunner[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const runner = ds.createQueryRunner();
        await runner.connect();
        held.push(runner);
      }
      const refused = await call(base, agent, { path: `/api/products/${pid}` });
      expect(refused).toMatchObject({ status: 503, code: 'database_unavailable' });
      expect(refused.ms).toBeGreaterThanOrEqual(POOL_TIMEOUT_MS - 100);
      expect(refused.ms).toBeLessThan(POOL_TIMEOUT_MS + 500);

      const waiting = call(base, agent, { path: `/api/products/${pid}` });
      await sleep(300);
      await held.pop()!.release();
      const served = await waiting;
      expect(served.status).toBe(200);
      figures('Postgres pool exhausted', { '503 after ms': refused.ms, 'connection released after 300 ms: 200 after ms': served.ms });
    } finally {
      await Promise.all(held.map((r) => r.release()));
    }
  });
});
