import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AppConfig } from './config/app.config';
import { API_KEY_SCHEME, BEARER_SCHEME } from './access/access.decorators';
import { bodyParsers } from './common/http/body-parsers';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/validation/validation.pipe';
import { serveStorefront } from './storefront/storefront';

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevelsFor(level: string | undefined): LogLevel[] | false {
  if (level === 'silent') return false;
  const index = LOG_LEVELS.indexOf((level ?? 'log') as LogLevel);
  return LOG_LEVELS.slice(0, index < 0 ? 4 : index + 1);
}

/** Body limits, the global pipe and filter, and the OpenAPI document: shared by main.ts and the tests. */
export function configureApp(app: NestExpressApplication): void {
  app.use(...bodyParsers());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.disable('x-powered-by');
  app.set('trust proxy', app.get(AppConfig).trustProxy);
  app.set('etag', false);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('cartwheel')
      .setDescription('Cart and checkout backend. Money is decimal with 2 places; errors are `{statusCode, code, message, details?}`.')
      .setVersion('0.1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'ADMIN_API_KEY' }, API_KEY_SCHEME)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from /auth/facebook/callback' }, BEARER_SCHEME)
      .addTag('original', 'The original shop\'s routes, kept for its existing clients')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  serveStorefront(app);
}

/** Creates the application with its configuration applied, not yet listening. */
export async function createApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    abortOnError: false,
    logger: logLevelsFor(process.env.LOG_LEVEL),
  });
  configureApp(app);
  return app;
}
