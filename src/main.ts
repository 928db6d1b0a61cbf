import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { App, createApp } from './app.setup';
import { AppConfig } from './config/app.config';
import { shutDownGracefully } from './common/http/graceful-shutdown';
import { StartupError } from './common/errors/startup-error';
import { InvalidEnvironmentError } from './config/env.validation';
import { DrainState } from './health/drain-state';
import { publicUrl, startupSummary } from './observability/startup';

/**
 * Listens on HOST, or, unset, on every interface as Node does: IPv6 and IPv4 (`::`), or IPv4 alone
 * where the host has no IPv6 (Fastify's own default would be localhost only).
 */
async function listen(app: App, port: number, host?: string): Promise<void> {
  if (host) return void (await app.listen(port, host));
  try {
    await app.listen(port, '::');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw err;
    await app.listen(port, '0.0.0.0');
  }
}

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  shutDownGracefully(app, { timeoutMs: config.shutdownTimeoutMs, onDrain: () => app.get(DrainState).begin() });
  await listen(app, config.port, config.host).catch((err: NodeJS.ErrnoException) => {
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
