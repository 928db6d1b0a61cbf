import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { App, buildOpenApiDocument, createHttpAdapter } from './app.setup';

/**
 * `npm run openapi [-- file]`: writes the OpenAPI document the app serves at /docs-json, without
 * configuration, a database or a listener (Nest's preview mode builds the module graph but creates
 * no provider). Default file: openapi.json. CI lints it with Redocly (`npm run lint:openapi`).
 */
async function main(): Promise<void> {
  const file = process.argv[2] ?? 'openapi.json';
  const app = await NestFactory.create<App>(AppModule, createHttpAdapter(), { preview: true, logger: false, abortOnError: false });
  writeFileSync(file, JSON.stringify(buildOpenApiDocument(app), null, 2) + '\n');
  await app.close();
  console.log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
