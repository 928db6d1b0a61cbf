import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { serverName, StartupError } from '../common/errors/startup-error';
import { ThrottledLog } from '../common/logging/throttled-log';
import { AppConfig } from '../config/app.config';
import { persistenceWarning } from './redis-persistence';

/** The shared ioredis client, or null when REDIS_URL is unset (the in-process stores are used then). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** The longest a reconnection attempt waits for the TCP connection; then it is tried again. */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * Fail fast, recover alone (README, "Failure behaviour"): a request never waits on Redis longer than
 * the command timeout, and the client reconnects by itself, at most 0.5 s apart, for ever.
 */
export function redisOptions(redis: AppConfig['redis']): RedisOptions {
  return {
    keyPrefix: redis.keyPrefix,
    lazyConnect: true,
    enableAutoPipelining: true,
    // Redis or the network stalled: the command fails (503) after this long (after up to as long
    // again waiting for the auto-pipelined batch before it)
    commandTimeout: redis.commandTimeoutMs,
    // disconnected: commands fail at once (503) instead of queueing for the reconnection
    enableOfflineQueue: false,
    // a command in flight when the connection drops fails (503) and is not sent again: an
    // increment resent after it had run would count twice
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 500),
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
}

async function connectRedis(config: AppConfig): Promise<Redis | null> {
  if (!config.redis.url) return null;
  const name = serverName(config.redis.url);
  const logger = new Logger('Redis');
  const client = new Redis(config.redis.url, redisOptions(config.redis));
  const watch = watchConnection(client, name, logger);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const cause = watch.firstError ?? (err instanceof Error ? err : new Error(String(err)));
    throw new StartupError(`Redis at ${name} (REDIS_URL) is unreachable or refused the connection: ${cause.message}`);
  }
  watch.started = true;
  const warning = await persistenceWarning(client, name);
  if (warning) logger.warn(warning);
  return client;
}

/** Clients being closed on purpose: losing their connection is not news. */
const quitting = new WeakSet<Redis>();

/**
 * Once started: logs losing and regaining the connection once each, and the driver's errors at most
 * once a second per kind. (Before that, a failure to connect is the start-up error, said once.)
 */
function watchConnection(client: Redis, name: string, logger: Logger): { started: boolean; firstError?: Error } {
  const watch: { started: boolean; firstError?: Error } = { started: false };
  const errors = new ThrottledLog((message) => logger.error(message));
  let lostAt: number | null = null;
  client.on('error', (err: Error) => {
    if (watch.started) errors.note(err.message, `Redis at ${name}: ${err.message}`);
    else watch.firstError ??= err;
  });
  client.on('close', () => {
    if (!watch.started || lostAt !== null || quitting.has(client)) return;
    lostAt = Date.now();
    logger.error(`Redis at ${name}: connection lost; cart requests answer 503 cart_store_unavailable until it is back`);
  });
  client.on('ready', () => {
    if (lostAt === null) return;
    logger.log(`Redis at ${name}: connected again after ${((Date.now() - lostAt) / 1000).toFixed(1)} s`);
    lostAt = null;
  });
  return watch;
}

class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.client || this.client.status === 'end') return;
    quitting.add(this.client);
    await this.client.quit().catch(() => this.client?.disconnect());
  }
}

@Global()
@Module({
  providers: [{ provide: REDIS_CLIENT, inject: [AppConfig], useFactory: connectRedis }, RedisShutdown],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
