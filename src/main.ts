import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { AppConfig } from './config/app.config';
import { shutDownGracefully } from './common/http/graceful-shutdown';
import { InvalidEnvironmentError } from './config/env.validation';
import { publicUrl, startupSummary } from './observability/startup';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  if (config.host) await app.listen(config.port, config.host);
  else await app.listen(config.port);
  shutDownGracefully(app);
  const url = publicUrl(await app.getUrl());
  const logger = new Logger('Bootstrap');
  for (const line of startupSummary(config)) logger.log(line);
  logger.log(`cartwheel listening on ${url}; API docs at ${url}/docs`);
}

bootstrap().catch((err: unknown) => {
  if (err instanceof InvalidEnvironmentError) {
    console.error(err.message);
  } else {
    console.error('cartwheel failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
