import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { AppConfig } from './config/app.config';
import { shutDownGracefully } from './common/http/graceful-shutdown';
import { StartupError } from './common/errors/startup-error';
import { InvalidEnvironmentError } from './config/env.validation';
import { DrainState } from './health/drain-state';
import { publicUrl, startupSummary } from './observability/startup';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  shutDownGracefully(app, { timeoutMs: config.shutdownTimeoutMs, onDrain: () => app.get(DrainState).begin() });
  await (config.host ? app.listen(config.port, config.host) : app.listen(config.port)).catch((err: NodeJS.ErrnoException) => {
    throw new StartupError(`cannot listen on ${config.host ? `HOST ${config.host} ` : ''}PORT ${config.port}: ${err.message}`);
  });
  const url = publicUrl(await app.getUrl());
  const logger = new Logger('Bootstrap');
  for (const line of startupSummary(config)) logger.log(line);
  logger.log(`cartwheel listening on ${url}; API docs at ${url}/docs`);
}

/** One line naming what stopped the start (a setting, a server), no stack; exit status 1. */
bootstrap().catch((err: unknown) => {
  if (err instanceof InvalidEnvironmentError) console.error(err.message);
  else if (err instanceof StartupError) console.error(`cartwheel cannot start: ${err.message}`);
  else console.error('cartwheel failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
