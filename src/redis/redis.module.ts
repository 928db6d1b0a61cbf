import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';

/** The shared ioredis client, or null when REDIS_URL is unset (the in-process stores are used then). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

async function connectRedis(config: AppConfig): Promise<Redis | null> {
  if (!config.redis.url) return null;
  const client = new Redis(config.redis.url, {
    keyPrefix: config.redis.keyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
  });
  client.on('error', (err: Error) => new Logger('Redis').warn(err.message));
  await client.connect();
  return client;
}

class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.client && this.client.status !== 'end') await this.client.quit().catch(() => this.client?.disconnect());
  }
}

@Global()
@Module({
  providers: [{ provide: REDIS_CLIENT, inject: [AppConfig], useFactory: connectRedis }, RedisShutdown],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
