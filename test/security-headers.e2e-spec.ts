import request from 'supertest';
import { startTestApp, TestApp } from './helpers/test-app';

const SHOP = 'https://shop.example';

/** The directives of a Content-Security-Policy header, by name. */
function csp(header: string): Record<string, string[]> {
  return Object.fromEntries(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name, values]),
  );
}

describe('Security headers and CORS off (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('security', { CORS_ORIGINS: undefined });
  });
  afterAll(() => t.close());

  it.each([
    ['a JSON answer', 'get', '/api/products', 200],
    ['an error', 'get', '/api/products/abc', 400],
    ['an unknown route', 'post', '/nowhere', 404],
    ['the Swagger UI page', 'get', '/docs', 200],
  ] as const)('are on %s', async (_name, method, path, status) => {
    const res = await request(t.http)[method](path).expect(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(csp(res.headers['content-security-policy'])['frame-ancestors']).toEqual(["'none'"]);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it("keeps /docs working: the page's scripts and styles are files of this origin, which the CSP allows", async () => {
    const page = await request(t.http).get('/docs').expect(200);
    const policy = csp(page.headers['content-security-policy']);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(policy['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy['img-src']).toEqual(expect.arrayContaining(["'self'", 'data:']));
    // no inline script (script-src 'self' would block it); every script is served from here
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body.trim()).toBe('');
      const src = /src=["']([^"']+)["']/.exec(attrs)?.[1];
      expect(src).toBeDefined();
      expect(src).not.toMatch(/^(https?:)?\/\//);
      await request(t.http).get(new URL(src!, 'http://x/docs').pathname).expect(200).expect('Content-Type', /javascript/);
    }
    for (const [, href] of page.text.matchAll(/<link[^>]*href=["']([^"']+)["']/g)) {
      expect(href).not.toMatch(/^(https?:)?\/\//);
      await request(t.http).get(new URL(href, 'http://x/docs').pathname).expect(200);
    }
    // the document the UI fetches is same-origin
    await request(t.http).get('/docs-json').expect(200);
  });

  it('keeps inline styles to /docs: every other answer allows files of this origin only', async () => {
    for (const path of ['/api/products', '/', '/health']) {
      const policy = csp((await request(t.http).get(path)).headers['content-security-policy']);
      expect(policy['style-src']).toEqual(["'self'"]);
      expect(policy['script-src']).toEqual(["'self'"]);
      expect(policy['base-uri']).toEqual(["'none'"]);
    }
  });

  it('sends no CORS headers, and a preflight is an unknown route', async () => {
    const get = await request(t.http).get('/api/products').set('Origin', SHOP).expect(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(t.http)
      .options('/api/carts/abc/items')
      .set('Origin', SHOP)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS with CORS_ORIGINS (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('cors', { CORS_ORIGINS: `${SHOP}, http://localhost:5173` });
  });
  afterAll(() => t.close());

  it('answers a preflight from a listed origin: methods, the API headers, max age', async () => {
    const res = await request(t.http)
      .options('/api/carts/abc/checkout')
      .set('Origin', SHOP)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type, idempotency-key, authorization')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers'].toLowerCase()).toEqual(expect.stringContaining('idempotency-key'));
    expect(res.headers['access-control-allow-headers'].toLowerCase()).toEqual(expect.stringContaining('authorization'));
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets the listed origin read answers and their X-Request-Id', async () => {
    const res = await request(t.http).get('/api/products').set('Origin', 'http://localhost:5173').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
    expect(res.headers.vary).toContain('Origin');
  });

  it('allows no other origin', async () => {
    const res = await request(t.http).options('/api/products').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await request(t.http).get('/api/products').set('Origin', 'https://evil.example').expect(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});
