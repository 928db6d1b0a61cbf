import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { API_KEY_SCHEME, BEARER_SCHEME } from './access/access.decorators';
import { bodyParsers } from './common/http/body-parsers';
import { applySecurity } from './common/http/security';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { FieldProblemBody } from './common/errors/error-body';
import { documentBodyErrors, markPublicOperations } from './common/openapi';
import { createValidationPipe } from './common/validation/validation.pipe';
import { serveStorefront } from './storefront/storefront';
import { AppConfig } from './config/app.config';
import { AppLogger, bindRequestLogger, httpLogger, LogSettings, rootLogger } from './observability/logging';
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

/** The OpenAPI document of the app's routes (not served; see configureApp). */
export function buildOpenApiDocument(app: NestExpressApplication) {
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
 * Request logging and ids, metrics, security headers and CORS, body limits, the global pipe and
 * filter, and the OpenAPI document: shared by main.ts and the tests.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  // before anything reads req.ip (the rate limits)
  app.set('trust proxy', config.trustProxy);
  // first of all, so every response (a 404, a rejected body) has its X-Request-Id and its log line
  app.use(httpLogger(rootLogger({ level: config.logLevel, format: config.logFormat })));
  app.use(app.get(Metrics).middleware());
  applySecurity(app, config.corsOrigins);
  app.use(...bodyParsers());
  app.use(bindRequestLogger());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.disable('x-powered-by');
  app.set('etag', false);

  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  serveStorefront(app);
}

/** Creates the application with its configuration applied, not yet listening. */
export async function createApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    abortOnError: false,
    logger: AppLogger.create(rootLogger(logSettingsFromEnv(process.env))),
  });
  configureApp(app);
  return app;
}
