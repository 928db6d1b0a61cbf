import { Logger } from '@nestjs/common';
import request from 'supertest';
import { startFaultProxy, FaultProxy } from './helpers/fault-proxy';
import { loggedMessages, Outcome, pollUntil, sleep, startLoad } from './helpers/load';
import { PrivateRedis, startPrivateRedis } from './helpers/private-redis';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';
import { figures } from './helpers/figures';

jest.setTimeout(60_000);


/** Every failure is the cart store's 503 with Retry-After, never a 500 or a hang. */
function expectFailFast(outcomes: Outcome[], boundMs: number): void {
  const slow = outcomes.filter((o) => o.ms > boundMs);
  expect(slow).toEqual([]);
  const failed = outcomes.filter((o) => o.status !== 200);
  expect(failed.filter((o) => o.status !== 503 || o.code !== 'cart_store_unavailable' || o.retryAfter !== '1')).toEqual([]);
}

/**
 * Issue 10, the Redis rows: the app talks to a private redis-server (AOF on, as the README asks)
 * through a fault proxy; the server is killed and restarted for real, and the proxy stalls it.
 */
describe('Faults: Redis killed, restarted, stalled (e2e)', () => {
  let redis: PrivateRedis;
  let proxy: FaultProxy;
  let t: TestApp;
  let base: string;
  let pid: number;
  const cartLoad = (i: number) =>
    i % 2 ? { method: 'POST', path: '/api/updatecart', body: { sid: `load-${i % 40}`, pid, v: 1 + (i % 3) } } : { path: `/api/viewcart/load-${i % 40}` };

  beforeAll(async () => {
    redis = await startPrivateRedis(['--appendonly', 'yes', '--appendfsync', 'everysec']);
    proxy = await startFaultProxy({ host: '127.0.0.1', port: redis.port });
    t = await startTestApp('fault_redis', { REDIS_URL: proxy.url(redis.url), REDIS_COMMAND_TIMEOUT_MS: '400', LOG_LEVEL: 'silent' });
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    pid = (await request(base).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'Kettle', price: 20, quantity: 1000 }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await redis?.stop();
  });

  it('killed under load: every cart request answers 503 cart_store_unavailable within 1 s, readiness 503 within 1 s; back to 200 within 2 s of the restart, no restart of the app; carts kept (AOF)', async () => {
    await request(base).post('/api/updatecart').send({ sid: 'kept', pid, v: 3 }).expect(200);
    await sleep(1100); // appendfsync everysec

    const load = startLoad(base, 8, cartLoad);
    await sleep(300);
    const killedAt = Date.now();
    await redis.kill();
    const notReady = await pollUntil(base, { path: '/health/ready' }, (o) => o.status === 503, { timeoutMs: 3000 });
    await sleep(1000);
    await redis.start();
    const backAt = Date.now();
    const viewOk = await pollUntil(base, { path: '/api/viewcart/kept' }, (o) => o.status === 200, { everyMs: 10, timeoutMs: 5000 });
    const readyOk = await pollUntil(base, { path: '/health/ready' }, (o) => o.status === 200, { everyMs: 10, timeoutMs: 5000 });
    await sleep(500);
    const outcomes = await load.stop();

    expectFailFast(outcomes, 1000);
    const during = outcomes.filter((o) => o.at > killedAt + 50 && o.at < backAt);
    expect(during.length).toBeGreaterThan(10);
    expect(during.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(notReady).toMatchObject({ status: 503, code: 'not_ready' });
    expect(notReady!.at + notReady!.ms - killedAt).toBeLessThan(1000);
    expect(viewOk!.at + viewOk!.ms - backAt).toBeLessThan(2000);
    expect(readyOk!.at + readyOk!.ms - backAt).toBeLessThan(2000);
    // once a view answers again, every cart request sent after it succeeds
    const recovered = outcomes.filter((o) => o.at > viewOk!.at + viewOk!.ms);
    expect(recovered.length).toBeGreaterThan(10);
    expect(recovered.filter((o) => o.status !== 200)).toEqual([]);
    const kept = await request(base).get('/api/viewcart/kept').expect(200);
    expect(kept.body.items).toEqual([expect.objectContaining({ pid, incart: 3 })]);

    const failed = during.filter((o) => o.status === 503);
    figures('Redis killed during cart load', {
      requests: outcomes.length,
      'answered 503 during the outage': `${failed.length}/${during.length}`,
      'slowest request ms': Math.max(...outcomes.map((o) => o.ms)),
      'slowest 503 ms': Math.max(...failed.map((o) => o.ms)),
      'readiness 503 after kill ms': notReady!.at + notReady!.ms - killedAt,
      'cart view 200 after Redis answers ms': viewOk!.at + viewOk!.ms - backAt,
      'readiness 200 after Redis answers ms': readyOk!.at + readyOk!.ms - backAt,
    });
  });

  it('stalled: a command timeout (REDIS_COMMAND_TIMEOUT_MS, 400 ms) answers 503 within 1 s and is logged; recovers when it answers again', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    try {
      const load = startLoad(base, 8, cartLoad);
      await sleep(200);
      const stalledAt = Date.now();
      await proxy.stall();
      const notReady = await pollUntil(base, { path: '/health/ready' }, (o) => o.status === 503, { timeoutMs: 3000 });
      await sleep(2000);
      const resumedAt = Date.now();
      await proxy.pass();
      const viewOk = await pollUntil(base, { path: '/api/viewcart/load-1' }, (o) => o.status === 200, { everyMs: 10, timeoutMs: 5000 });
      await sleep(200);
      const outcomes = await load.stop();

      expectFailFast(outcomes, 1000);
      // (a request sent less than a second before the resume may be answered once Redis is)
      const during = outcomes.filter((o) => o.at > stalledAt + 50 && o.at < resumedAt - 1000);
      expect(during.length).toBeGreaterThanOrEqual(8);
      expect(during.filter((o) => o.status !== 503)).toEqual([]);
      expect(notReady).toMatchObject({ status: 503 });
      expect(notReady!.at + notReady!.ms - stalledAt).toBeLessThan(1000);
      expect(viewOk!.at + viewOk!.ms - resumedAt).toBeLessThan(1000);
      const logged = loggedMessages(errors).filter((m) => m.startsWith('cart_store_unavailable: Command timed out'));
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.length).toBeLessThanOrEqual(4); // one line a second, with a count

      figures('Redis stalled', {
        requests: outcomes.length,
        'answered 503 during the stall': `${during.filter((o) => o.status === 503).length}/${during.length}`,
        'slowest request ms': Math.max(...outcomes.map((o) => o.ms)),
        'readiness 503 after stall ms': notReady!.at + notReady!.ms - stalledAt,
        'cart view 200 after resume ms': viewOk!.at + viewOk!.ms - resumedAt,
        'log lines for the timeouts': logged.length,
      });
    } finally {
      errors.mockRestore();
    }
  });
});
