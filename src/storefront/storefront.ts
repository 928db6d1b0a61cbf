import * as path from 'node:path';
import type {} from '@fastify/static'; // reply.sendFile
import type { FastifyReply } from 'fastify';
import type { App } from '../app.setup';
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
 * `/storefront/`, plus `/storefront/config.json`. Plain Fastify routes and @fastify/static, like
 * Swagger UI's at /docs, so they stay out of the API and its OpenAPI document. Nothing is served
 * with STOREFRONT=false (then `/` is an unknown route, 404 route_not_found).
 */
export function serveStorefront(app: App): void {
  const config = app.get(AppConfig);
  if (!config.storefront) return;
  const fastify = app.getHttpAdapter().getInstance();
  const pageConfig: StorefrontConfig = { login: config.facebook !== null };

  // no build step hashes the file names: the browser revalidates each file (ETag, Last-Modified)
  app.useStaticAssets({
    root: STOREFRONT_DIR,
    prefix: '/storefront/',
    index: false,
    redirect: false,
    wildcard: false,
    // @fastify/static 10 hands over its reply here
    setHeaders: (reply: unknown) => void (reply as FastifyReply).header('Cache-Control', 'no-cache'),
  });
  fastify.get('/', (_request, reply) => reply.header('Cache-Control', 'no-cache').sendFile('index.html', STOREFRONT_DIR));
  fastify.get('/storefront/config.json', (_request, reply) => reply.header('Cache-Control', 'no-cache').send(pageConfig));
}
