import { Agent } from 'node:http';
import request from 'supertest';
import { AppProcess, startAppProcess } from './helpers/app-process';
import { FaultProxy, startFaultProxy } from './helpers/fault-proxy';
import { figures } from './helpers/figures';
import { call, Outcome, sleep, startLoad } from './helpers/load';
import { DrainState } from '../src/health/drain-state';
import { ADMIN_KEY, deleteKeys, dropSchema, startTestApp, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './helpers/test-app';

jest.setTimeout(120_000);


/** A connection cut under a request: what a client that honours `Connection: close` must never see. */
const isReset = (o: Outcome) => typeof o.status === 'string' && o.status !== 'ECONNREFUSED';

/**
 * Issue 10, seen from outside the process: SIGTERM (readiness 503 at once, requests in flight
 * answered, no resets, exit bounded by SHUTDOWN_TIMEOUT_MS), and the log during a Postgres outage.
 */
describe('Faults: SIGTERM under load, the log in an outage (app processes, e2e)', () => {
  const schema = uniqueName('fault_term');
  const prefix = `${schema}:`;
  const env = { DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, ADMIN_API_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '0' };
  let proxy: FaultProxy;
  let steady: AppProcess;
  let stuck: AppProcess;

  beforeAll(async () => {
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    steady = await startAppProcess({ ...env, DATABASE_URL: TEST_DATABASE_URL });
    // no statement timeout: a request on a stalled Postgres would wait for ever, but for the shutdown bound
    stuck = await startAppProcess({ ...env, DATABASE_URL: proxy.url(TEST_DATABASE_URL), SHUTDOWN_TIMEOUT_MS: '1000', DATABASE_STATEMENT_TIMEOUT_MS: '0', PRODUCT_CACHE_TTL_MS: '0' });
  });
  afterAll(async () => {
    for (const app of [steady, stuck]) if (app && app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await proxy?.close();
    await dropSchema(schema);
    await deleteKeys(prefix);
  });

  it('steady load: readiness not ready at once (503, or refused once the listener closed), every request sent before the signal answered, 0 resets, exit 0 soon after', async () => {
    const pid = (await request(steady.url).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'Fan', price: 30, quantity: 100 }).expect(201)).body.id;
    await request(steady.url).post('/api/updatecart').send({ sid: 'term', pid, v: 2 }).expect(200);
    const load = startLoad(steady.url, 8, (i) => (i % 4 ? { path: '/api/viewcart/term' } : { method: 'POST', path: '/api/updatecart', body: { sid: 'term', pid, v: 2 } }));
    const readiness: Outcome[] = [];
    const readyAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    let polling = true;
    const poller = (async () => {
      while (polling) {
        readiness.push(await call(steady.url, readyAgent, { path: '/health/ready' }));
        await sleep(10);
      }
    })();
    await sleep(500);

    const signalledAt = Date.now();
    const ended = await steady.stop(); // SIGTERM, then the exit
    const exitedAfter = Date.now() - signalledAt;
    polling = false;
    await poller;
    readyAgent.destroy();
    const outcomes = await load.stop();

    expect(ended).toEqual({ code: 0, signal: null });
    expect(outcomes.filter(isReset)).toEqual([]);
    expect(outcomes.filter((o) => o.at < signalledAt && o.status !== 200)).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 'ECONNREFUSED')).toEqual([]);
    expect(readiness.filter(isReset)).toEqual([]);
    // not ready at once: 503 draining on a kept-alive connection, or refused once the listener is closed
    // (a probe that was in flight at the signal is answered with Connection: close, so the next one connects anew)
    const draining = readiness.find((o) => o.at + o.ms > signalledAt && o.status !== 200);
    expect(['ECONNREFUSED', 503]).toContain(draining?.status);
    if (draining?.status === 503) expect(draining.body).toMatchObject({ code: 'not_ready', details: { draining: true } });
    expect(draining!.at + draining!.ms - signalledAt).toBeLessThan(300);
    expect(readiness.filter((o) => o.status === 200 && o.at > signalledAt + 100)).toEqual([]);
    expect(exitedAfter).toBeLessThan(3000);
    expect(steady.output()).toMatch(/SIGTERM: draining/);

    figures('SIGTERM under steady load', {
      requests: outcomes.length,
      'answered 200': outcomes.filter((o) => o.status === 200).length,
      'refused after the listener closed': outcomes.filter((o) => o.status === 'ECONNREFUSED').length,
      resets: outcomes.filter(isReset).length,
      [`readiness ${draining!.status} after SIGTERM ms`]: draining!.at + draining!.ms - signalledAt,
      'exit after SIGTERM ms': exitedAfter,
      'exit code': String(ended.code),
    });
  });

  it('Postgres refused under load, as the log shows it: a warn line per failed request (no error in it), the error itself at most once a second per kind', async () => {
    const before = stuck.output().length;
    const load = startLoad(stuck.url, 8, () => ({ path: '/api/products?limit=1' }));
    await sleep(200);
    await proxy.refuse();
    await sleep(2000);
    await proxy.pass();
    await sleep(300);
    const outcomes = await load.stop();
    const lines = stuck
      .output()
      .slice(before)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; status?: number; err?: unknown; context?: string; msg: string });

    const failed = outcomes.filter((o) => o.status === 503);
    expect(failed.length).toBeGreaterThan(50);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    const requestLines = lines.filter((l) => l.status === 503);
    expect(requestLines.length).toBe(failed.length);
    expect(requestLines.every((l) => l.level === 'warn' && l.err === undefined)).toBe(true);
    const errors = lines.filter((l) => l.level === 'error');
    const kinds = new Set(errors.map((l) => l.msg.replace(/ \(x\d+ in the last 1 s\)$/, '')));
    expect(errors.every((l) => l.context === 'Errors' && l.msg.startsWith('database_unavailable: '))).toBe(true);
    expect(errors.length).toBeLessThanOrEqual(kinds.size * 4); // ~2.3 s: the first line, then one a second
    figures('Postgres refused: the log', { 'failed requests': failed.length, 'their request lines (warn, no error)': requestLines.length, 'error lines': `${errors.length} (${[...kinds].join(' | ')})` });
  });

  it('a request that cannot finish (Postgres stalled, no statement timeout): exit 1 at SHUTDOWN_TIMEOUT_MS (1000 ms)', async () => {
    const agent = new Agent({ keepAlive: true });
    await proxy.stall();
    const hanging = call(stuck.url, agent, { path: '/api/products?limit=1' }, 10_000);
    await sleep(200);
    const signalledAt = Date.now();
    const ended = await stuck.stop();
    const exitedAfter = Date.now() - signalledAt;
    agent.destroy();
    await proxy.pass();

    expect(ended).toEqual({ code: 1, signal: null });
    expect(exitedAfter).toBeGreaterThanOrEqual(1000);
    expect(exitedAfter).toBeLessThan(1500);
    expect((await hanging).status).toBe('ECONNRESET');
    expect(stuck.output()).toMatch(/not drained within 1000 ms \(1 request\(s\) still running\)/);
    figures('SIGTERM with a request that cannot finish', { 'SHUTDOWN_TIMEOUT_MS': 1000, 'exit after SIGTERM ms': exitedAfter, 'exit code': String(ended.code) });
  });
});

describe('Readiness while draining (in process)', () => {
  it('503 not_ready {draining: true} from the moment the drain begins, whatever Postgres and Redis say', async () => {
    const t = await startTestApp('drain');
    try {
      await request(t.http).get('/health/ready').expect(200);
      t.app.get(DrainState).begin();
      const res = await request(t.http).get('/health/ready').expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'not_ready', details: { draining: true } });
    } finally {
      await t.close();
    }
  });
});
