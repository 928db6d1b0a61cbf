import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { App } from '../../app.setup';

/**
 * The Content-Security-Policy of every response but Swagger UI's: the API answers JSON, and the
 * storefront page (README "Storefront") loads only its own files, with nothing inline. Scripts,
 * styles, images, fonts and fetches from this origin only; no plugins, no <base>, forms to this
 * origin, no framing anywhere.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Swagger UI at /docs: the same, except that its page has inline <style> blocks and React sets
 * style attributes (`style-src 'unsafe-inline'`), it uses data: fonts, and its <base> is its own.
 * Its scripts are files of this origin (no inline script), so `script-src 'self'` holds.
 */
export const DOCS_CONTENT_SECURITY_POLICY = {
  ...CONTENT_SECURITY_POLICY,
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'base-uri': ["'self'"],
};

const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?') || url.startsWith('/docs-json');

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * The headers a helmet middleware sets: they depend on nothing in the request, so they are
 * worked out once, at start-up, and every response gets the same set.
 */
function headersOf(...middlewares: Middleware[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => (headers[name.toLowerCase()] = value as string | number | string[]),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  } as unknown as ServerResponse;
  const req = { headers: {}, method: 'GET', url: '/' } as IncomingMessage;
  for (const middleware of middlewares) {
    middleware(req, res, (err) => {
      if (err) throw err;
    });
  }
  return headers;
}

const helmetHeaders = helmet({ contentSecurityPolicy: false, frameguard: { action: 'deny' }, referrerPolicy: { policy: 'no-referrer' } });

/** helmet's headers with the strict CSP: every response but Swagger UI's (request-errors.ts sends them too). */
export const SECURITY_HEADERS = headersOf(helmetHeaders, helmet.contentSecurityPolicy({ useDefaults: false, directives: CONTENT_SECURITY_POLICY }));
const DOCS_SECURITY_HEADERS = headersOf(helmetHeaders, helmet.contentSecurityPolicy({ useDefaults: false, directives: DOCS_CONTENT_SECURITY_POLICY }));

/** Headers a browser may send cross-origin, and those it may read from our answers. */
const CORS_REQUEST_HEADERS = ['Content-Type', 'Authorization', 'X-API-Key', 'Idempotency-Key', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After'];

/**
 * Security headers on every response (helmet: CSP, nosniff, X-Frame-Options DENY, Referrer-Policy
 * no-referrer, HSTS, ...); CORS only for the CORS_ORIGINS origins: unset, no CORS headers at all
 * and a preflight is an unknown route (404).
 */
export function applySecurity(app: App, corsOrigins: '*' | string[]): void {
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.headers(isDocs(request.url) ? DOCS_SECURITY_HEADERS : SECURITY_HEADERS);
    done();
  });
  if (corsOrigins.length === 0) return;
  app.enableCors({
    origin: corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
}
