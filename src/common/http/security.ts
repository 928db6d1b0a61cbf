import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

/**
 * One Content-Security-Policy for every response. API answers are JSON, so it matters for the
 * Swagger UI at /docs: its page loads its scripts, styles and icons from this origin
 * (`script-src 'self'`, no inline script), has inline <style> blocks and style attributes
 * (`style-src 'unsafe-inline'`), data: images, and fetches /docs-json and the API itself.
 * No framing anywhere (frame-ancestors 'none'), no plugins, forms and <base> to this origin only.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Headers a browser may send cross-origin, and those it may read from our answers. */
const CORS_REQUEST_HEADERS = ['Content-Type', 'Authorization', 'X-API-Key', 'Idempotency-Key', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After'];

/**
 * Security headers on every response (helmet: CSP, nosniff, frame-ancestors / X-Frame-Options
 * DENY, Referrer-Policy no-referrer, HSTS, ...); CORS only for the CORS_ORIGINS origins: unset,
 * no CORS headers at all and a preflight is an unknown route (404).
 */
export function applySecurity(app: NestExpressApplication, corsOrigins: '*' | string[]): void {
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  if (corsOrigins.length === 0) return;
  app.enableCors({
    origin: corsOrigins === '*' ? '*' : corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
}
