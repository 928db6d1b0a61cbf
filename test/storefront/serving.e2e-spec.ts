import request from 'supertest';
import { startTestApp, TestApp } from '../helpers/test-app';

const LOGIN_ENV = {
  FACEBOOK_APP_ID: 'test-app-id',
  FACEBOOK_APP_SECRET: 'test-app-secret',
  FACEBOOK_CALLBACK_URL: 'http://127.0.0.1:3000/auth/facebook/callback',
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
};
const NO_ROUTE = { statusCode: 404, code: 'route_not_found', message: 'No such route', requestId: expect.any(String) };

/** The files index.html loads (scripts, styles, icons), as paths. */
function assetsOf(html: string): string[] {
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  return refs.map((ref) => new URL(ref, 'http://x/').pathname);
}

describe('Storefront: served at / (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('storefront_on', { STOREFRONT: undefined, FACEBOOK_APP_ID: undefined, JWT_SECRET: undefined });
  });
  afterAll(() => t.close());

  it('serves the page at / as HTML the browser revalidates, loading only files of this origin, with no inline script or style', async () => {
    const page = await request(t.http).get('/').expect(200).expect('Content-Type', /^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    const html = page.text;
    // a strict CSP (script-src 'self', style-src 'self') must not block anything
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(body.trim()).toBe('');
      expect(attrs).toMatch(/\bsrc="storefront\//);
    }
    const assets = assetsOf(html);
    expect(assets).toEqual(expect.arrayContaining(['/storefront/app.js', '/storefront/storefront.css', '/storefront/icon.svg']));
    const types: Record<string, RegExp> = { js: /javascript/, css: /^text\/css/, svg: /^image\/svg\+xml/ };
    for (const asset of assets) {
      const res = await request(t.http).get(asset).expect(200);
      expect(res.headers['content-type']).toMatch(types[asset.split('.').pop()!]);
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    // the modules app.js imports are there too
    for (const module of ['api.js', 'words.js', 'types.js']) await request(t.http).get(`/storefront/${module}`).expect(200).expect('Content-Type', /javascript/);
  });

  it('tells the page whether login is on: {login: false} without FACEBOOK_APP_ID', async () => {
    const res = await request(t.http).get('/storefront/config.json').expect(200).expect('Content-Type', /json/);
    expect(res.body).toEqual({ login: false });
  });

  it('leaves every other route as it was: /docs, /docs-json, /health, /api/*, /auth/*, unknown routes', async () => {
    await request(t.http).get('/docs').expect(200).expect('Content-Type', /html/);
    const doc = (await request(t.http).get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/storefront'))).toEqual([]);
    expect((await request(t.http).get('/health').expect(200)).body).toEqual({ status: 'ok' });
    expect((await request(t.http).get('/api/products').expect(200)).body).toEqual({ items: [], total: 0 });
    expect((await request(t.http).get('/auth/facebook').expect(503)).body.code).toBe('login_disabled');
    expect((await request(t.http).post('/').expect(404)).body).toEqual(NO_ROUTE);
    expect((await request(t.http).get('/index.html').expect(404)).body).toEqual(NO_ROUTE);
    expect((await request(t.http).get('/storefront/').expect(404)).body).toEqual(NO_ROUTE);
    expect((await request(t.http).get('/storefront/missing.js').expect(404)).body).toEqual(NO_ROUTE);
    expect((await request(t.http).get('/storefront/%2e%2e/storefront.ts').expect(404)).body).toEqual(NO_ROUTE);
  });
});

describe('Storefront: settings (e2e)', () => {
  it('STOREFRONT=false serves nothing: / and the files are unknown routes (404), the API is unchanged', async () => {
    const t = await startTestApp('storefront_off', { STOREFRONT: 'false' });
    try {
      for (const path of ['/', '/storefront/app.js', '/storefront/config.json']) {
        expect((await request(t.http).get(path).expect(404)).body).toEqual(NO_ROUTE);
      }
      await request(t.http).get('/docs').expect(200);
      await request(t.http).get('/api/products').expect(200);
    } finally {
      await t.close();
    }
  });

  it('with login on, the page offers it ({login: true}) and the login callback sends the browser back to the storefront', async () => {
    const t = await startTestApp('storefront_login', { ...LOGIN_ENV, STOREFRONT: 'true', AUTH_SUCCESS_REDIRECT: undefined });
    try {
      expect((await request(t.http).get('/storefront/config.json').expect(200)).body).toEqual({ login: true });
      // the whole redirect flow runs in the browser test; here the setting the callback uses
      const { AppConfig } = await import('../../src/config/app.config');
      expect(t.app.get(AppConfig).authSuccessRedirect).toBe('http://127.0.0.1:3000/');
    } finally {
      await t.close();
    }
  });
});
