import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { API_KEY_SCHEME, BEARER_SCHEME } from './access/access.decorators';
import { BODY_LIMIT_BYTES, registerBodyParsers } from './common/http/body-parsers';
import { answerClientError, answerFrameworkError } from './common/http/request-errors';
import { applySecurity } from './common/http/security';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { FieldProblemBody } from './common/errors/error-body';
import { documentBodyErrors, markPublicOperations } from './common/openapi';
import { createValidationPipe } from './common/validation/validation.pipe';
import { serveStorefront } from './storefront/storefront';
import { AppConfig } from './config/app.config';
import { parseTrustProxy } from './config/env.validation';
import { AppLogger, logRequests, LogSettings, requestIdFor, rootLogger } from './observability/logging';
import { Metrics } from './observability/metrics';

/**
 * LOG_LEVEL and LOG_FORMAT as far as the logger needs them before the configuration is validated
 * (a bad value falls back here; validation then stops the start naming it).
 */
export function logSettingsFromEnv(env: NodeJS.ProcessEnv): LogSettings {
  const level = ['error', 'warn', 'log', 'debug', 'verbose', 'silent'].includes(env.LOG_LEVEL ?? '') ? env.LOG_LEVEL! : 'log';
  const format = env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty' ? env.LOG_FORMAT : undefined;
  return { level, format };
}

/** The application: NestJS on Fastify. */
export type App = NestFastifyApplication;

/** The OpenAPI document of the app's routes (not served; see configureApp). */
export function buildOpenApiDocument(app: App) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('cartwheel')
      .setDescription('Cart and checkout backend. Money is decimal with 2 places; errors are `{statusCode, code, message, details?, requestId}`.')
      .setVersion('0.1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'ADMIN_API_KEY' }, API_KEY_SCHEME)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from /auth/facebook/callback' }, BEARER_SCHEME)
      .addTag('original', 'The original shop\'s routes, kept for its existing clients')
      .addServer('/', 'This service: paths are relative to where the document is served')
      .build(),
    { extraModels: [FieldProblemBody] },
  );
  return documentBodyErrors(markPublicOperations(document));
}

/**
 * Request logging and ids, metrics, security headers and CORS, body parsers, the global pipe and
 * filter, the OpenAPI document and the storefront: shared by main.ts and the tests.
 */
export function configureApp(app: App): void {
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  // first of all, so every response (a 404, a rejected body) has its X-Request-Id and its log line
  logRequests(fastify, rootLogger({ level: config.logLevel, format: config.logFormat }));
  app.get(Metrics).observeRequests(fastify);
  applySecurity(app, config.corsOrigins);
  registerBodyParsers(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  serveStorefront(app);
}

/**
 * TRUST_PROXY for Fastify. A hop count n trusts the n nearest hops whatever their address, as
 * Express and proxy-addr read it: Fastify 5.12 turns a bare number into "trust nobody", so it gets
 * that rule as a function (README: name the proxies' addresses where you can).
 */
export function fastifyTrustProxy(trust: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/**
 * The Fastify instance under Nest: bodies up to 100 kB, request ids from X-Request-Id (checked) or
 * fresh, TRUST_PROXY for `request.ip` (read here, before the configuration is validated: a bad
 * value stops the start there), no Nest middleware engine (middie: nothing uses it), path
 * parameters up to 1 kB; what the router or Node's HTTP parser refuses, in the one error shape.
 */
export function createHttpAdapter(env: NodeJS.ProcessEnv = process.env): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(parseTrustProxy(env.TRUST_PROXY ?? 'false') ?? false),
    genReqId: requestIdFor,
    requestIdHeader: false,
    return503OnClosing: false,
    skipMiddie: true,
    // a path parameter may be long enough for validation to refuse it (400), not the router (414)
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
}

/** Creates the application with its configuration applied, not yet listening. */
export async function createApp(): Promise<App> {
  const app = await NestFactory.create<App>(AppModule, createHttpAdapter(), {
    bodyParser: false,
    abortOnError: false,
    logger: AppLogger.create(rootLogger(logSettingsFromEnv(process.env))),
  });
  configureApp(app);
  return app;
}
