import request from 'supertest';
import { Client } from 'pg';
import { startAppProcess } from './helpers/app-process';
import { ADMIN_KEY, deleteKeys, dropSchema, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './helpers/test-app';

jest.setTimeout(120_000);

interface LogLine {
  level: string;
  time: string;
  instance: string;
  msg: string;
  context?: string;
  requestId?: string;
  method?: string;
  route?: string;
  path?: string;
  status?: number;
  durationMs?: number;
  err?: { type: string; message: string; stack: string; code?: string; cause?: { type: string; code?: string } };
}

const SECRETS = { token: 'SECRET-TOKEN-4f9a', cookie: 'SECRET-COOKIE-77c1', code: 'SECRET-CODE-0b2e', sid: 'SECRET-SID-5d3c' };

/**
 * The logs as an operator gets them: the app in its own process, stdout a pipe (not a terminal),
 * on real Postgres and Redis in a schema and key prefix of its own.
 */
describe('Logs (the app as a process, stdout a pipe)', () => {
  const schema = uniqueName('logging');
  const base = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `${schema}:`, ADMIN_API_KEY: ADMIN_KEY };

  afterAll(async () => {
    await dropSchema(schema);
    await deleteKeys(`${schema}:`);
  });

  it('writes one JSON object a line: a short start-up, one line per request, errors with cause and request id, no secrets', async () => {
    const app = await startAppProcess({ ...base, LOG_LEVEL: 'log', LOG_FORMAT: undefined });
    try {
      await request(app.url).get('/api/products').set('X-Request-Id', 'req-ok-1').set('Authorization', `Bearer ${SECRETS.token}`).set('Cookie', `cw_login=${SECRETS.cookie}`).expect(200);
      await request(app.url).get(`/api/viewcart?sid=s1&code=${SECRETS.code}`).set('X-Request-Id', 'req-query-1').expect(200);
      await request(app.url).get('/api/products/0').set('X-Request-Id', 'req-400').set('X-API-Key', ADMIN_KEY).expect(400);
      await request(app.url).get(`/no/such/route?code=${SECRETS.code}`).set('X-Request-Id', 'req-404').expect(404);
      await request(app.url).get(`/api/carts/${SECRETS.sid}/nope`).set('X-Request-Id', 'req-404-sid').expect(404);
      // answered before any route ran: a URL the router refuses
      await request(app.url).get(`/api/viewcart/%E0%A4%A?code=${SECRETS.code}`).set('X-Request-Id', 'req-bad-url').expect(400);
      await request(app.url).get('/health').expect(200);
      // an unexpected failure: the coupon table is gone for a moment
      const pg = new Client({ connectionString: TEST_DATABASE_URL });
      await pg.connect();
      await pg.query(`ALTER TABLE "${schema}".coupon RENAME TO coupon_hidden`);
      try {
        const failed = await request(app.url).get('/api/coupons').set('X-API-Key', ADMIN_KEY).set('X-Request-Id', 'req-500').expect(500);
        expect(failed.body).toEqual({ statusCode: 500, code: 'internal_error', message: 'Internal server error', requestId: 'req-500' });
      } finally {
        await pg.query(`ALTER TABLE "${schema}".coupon_hidden RENAME TO coupon`);
        await pg.end();
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await app.stop();
    }
    const out = app.output();
    // no colour codes in a pipe, every line one JSON object
    expect(out).not.toContain('\u001b[');
    const raw = out.split('\n').filter((l) => l.trim() !== '');
    const lines = raw.map((l) => JSON.parse(l) as LogLine);
    for (const line of lines) {
      expect(line).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), instance: expect.stringMatching(/\/\d+$/), msg: expect.any(String) }));
    }

    // start-up: what it runs on, in a few lines; no line per module or route
    const startup = lines.slice(0, lines.findIndex((l) => l.msg.includes('listening on')) + 1);
    expect(startup.length).toBeGreaterThan(0);
    expect(startup.length).toBeLessThanOrEqual(12);
    const said = startup.map((l) => l.msg).join('\n');
    expect(said).toMatch(/^database: Postgres at 127\.0\.0\.1:5432\/test, schema t_logging_/m);
    expect(said).toMatch(/^cart store: Redis at 127\.0\.0\.1:6379/m);
    expect(said).toMatch(/login: off/);
    expect(said).toMatch(/metrics: off/);
    expect(said).toMatch(/API docs at http:\/\/localhost:\d+\/docs/);
    expect(lines.some((l) => /Mapped \{|dependencies initialized/.test(l.msg))).toBe(false);

    // one line per request with the route pattern, status, duration and request id
    const requestLine = (id: string) => lines.filter((l) => l.requestId === id && l.msg.startsWith('request'));
    expect(requestLine('req-ok-1')).toEqual([expect.objectContaining({ level: 'info', method: 'GET', route: '/api/products', status: 200, durationMs: expect.any(Number), msg: 'request completed' })]);
    expect(requestLine('req-400')).toEqual([expect.objectContaining({ route: '/api/products/:id', status: 400 })]);
    expect(requestLine('req-404')).toEqual([expect.objectContaining({ route: 'unmatched', path: '/no/such/route', status: 404 })]);
    expect(requestLine('req-404-sid')).toEqual([expect.objectContaining({ route: 'unmatched', path: '/api/carts/:sid/nope', status: 404 })]);
    expect(requestLine('req-bad-url')).toEqual([expect.objectContaining({ level: 'info', method: 'GET', route: 'unmatched', status: 400, msg: 'request completed' })]);
    expect(requestLine('req-bad-url')[0]).not.toHaveProperty('path'); // unmatched, it could hold a sid
    // probes log at debug only
    expect(lines.some((l) => l.route === '/health')).toBe(false);

    // a 500: the request line at error level with the error and its cause, and every line of that request carries its id
    const failed = lines.filter((l) => l.requestId === 'req-500');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    const failure = failed.find((l) => l.msg === 'request failed')!;
    expect(failure).toMatchObject({ level: 'error', route: '/api/coupons', status: 500, err: { type: 'QueryFailedError', cause: { code: '42P01' } } });
    expect(failed.find((l) => l.context === 'Errors')).toMatchObject({ level: 'error', msg: expect.stringMatching(/^QueryFailedError: relation .*coupon.* does not exist$/) });
    // the stack once, on the request's line
    expect(raw.filter((l) => l.includes('req-500') && l.includes('QueryFailedError: relation') && /\\n\s+at /.test(l))).toHaveLength(1);
    expect(out).not.toMatch(/"query"|"parameters"/);

    // nothing secret: tokens, keys, cookies, query strings
    for (const secret of [...Object.values(SECRETS), ADMIN_KEY]) expect(out).not.toContain(secret);
  });

  it('LOG_FORMAT=pretty is for people, still without colour in a pipe; LOG_LEVEL=debug shows Nest\'s route mapping', async () => {
    const app = await startAppProcess({ ...base, LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', RUN_MIGRATIONS: 'false' });
    try {
      await request(app.url).get('/api/products').expect(200);
    } finally {
      await app.stop();
    }
    const out = app.output();
    expect(out).not.toContain('\u001b[');
    expect(out).not.toMatch(/^\{"level"/m);
    expect(out).toMatch(/INFO.*cartwheel listening on/);
    expect(out).toMatch(/DEBUG.*Mapped \{\/api\/products, GET\} route/);
  });
});
