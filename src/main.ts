import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { AppConfig } from './config/app.config';
import { shutDownGracefully } from './common/http/graceful-shutdown';
import { InvalidEnvironmentError } from './config/env.validation';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.port);
  shutDownGracefully(app);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  new Logger('Bootstrap').log(`cartwheel listening on ${url}; API docs at ${url}/docs`);
}

bootstrap().catch((err: unknown) => {
  if (err instanceof InvalidEnvironmentError) {
    console.error(err.message);
  } else {
    console.error('cartwheel failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
