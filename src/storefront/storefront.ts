import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Request, Response } from 'express';
import { AppConfig } from '../config/app.config';

/** The page's files: src/storefront/public, copied to dist/storefront/public by nest build (nest-cli.json assets). */
export const STOREFRONT_DIR = path.join(__dirname, 'public');

/** What the page asks the service before it draws itself (GET /storefront/config.json). */
export interface StorefrontConfig {
  /** Facebook login is on: show "Log in with Facebook" (GET /auth/facebook). */
  login: boolean;
}

/**
 * The storefront (README "Storefront"): a static page at `/` and its scripts and styles under
 * `/storefront/`, plus `/storefront/config.json`. Plain Express routes, like Swagger UI's at /docs,
 * so they stay out of the API and its OpenAPI document. Nothing is served with STOREFRONT=false
 * (then `/` is an unknown route, 404 route_not_found).
 */
export function serveStorefront(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  if (!config.storefront) return;
  const http = app.getHttpAdapter().getInstance() as Express;
  const pageConfig: StorefrontConfig = { login: config.facebook !== null };

  // no build step hashes the file names: the browser revalidates each file (ETag, Last-Modified)
  http.get('/', (_req: Request, res: Response) => {
    res.sendFile('index.html', { root: STOREFRONT_DIR, headers: { 'Cache-Control': 'no-cache' } });
  });
  http.get('/storefront/config.json', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(pageConfig);
  });
  app.useStaticAssets(STOREFRONT_DIR, { prefix: '/storefront/', index: false, redirect: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
}
