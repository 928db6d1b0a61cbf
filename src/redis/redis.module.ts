import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { Cluster, RedisOptions } from 'ioredis';
import { serverName, StartupError } from '../common/errors/startup-error';
import { ThrottledLog } from '../common/logging/throttled-log';
import { AppConfig } from '../config/app.config';
import { persistenceWarning } from './redis-persistence';

/**
 * The shared ioredis client: a `Redis` (REDIS_URL) or a `Cluster` (REDIS_CLUSTER_NODES), or null
 * when neither is set (the in-process stores are used then).
 */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** One node or a cluster: the same commands, and every key of one cart, one script, one rate-limit counter in one slot. */
export type RedisClient = Redis | Cluster;

/** The longest a reconnection attempt waits for the TCP connection; then it is tried again. */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * Fail fast, recover alone (README, "Failure behaviour"): a request never waits on Redis longer than
 * the command timeout, and the client reconnects by itself, at most 0.5 s apart, for ever.
 */
export function redisOptions(redis: AppConfig['redis']): RedisOptions {
  return {
    ...(redis.username ? { username: redis.username } : {}),
    ...(redis.password ? { password: redis.password } : {}),
    ...(redis.tls ? { tls: {} } : {}),
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

/**
 * A Redis Cluster client with the same fail-fast rules per node. During a failover the commands
 * for the lost master's slots fail at once (503) until a replica has taken over and the slot map
 * is refreshed (at most every CLUSTER_REFRESH_MS while nodes fail); the other slots keep working.
 */
export function clusterClient(redis: AppConfig['redis']): Cluster {
  const single = redisOptions(redis);
  // what each node's connection keeps of the single-node rules (the cluster retries and queues itself)
  const perNode = {
    username: single.username,
    password: single.password,
    tls: single.tls,
    commandTimeout: single.commandTimeout,
    maxRetriesPerRequest: single.maxRetriesPerRequest,
    autoResendUnfulfilledCommands: single.autoResendUnfulfilledCommands,
    connectTimeout: single.connectTimeout,
  };
  return new Cluster(redis.clusterNodes!, {
    keyPrefix: single.keyPrefix,
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    scaleReads: 'master',
    clusterRetryStrategy: (attempt: number) => Math.min(attempt * 100, 500),
    // a command for a lost master is retried this often, at most maxRedirections times: then 503
    retryDelayOnFailover: 100,
    maxRedirections: 3,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
    slotsRefreshInterval: CLUSTER_REFRESH_MS,
    redisOptions: perNode,
  });
}

/** How often a cluster client re-reads the slot map by itself (it also does on MOVED and node errors). */
const CLUSTER_REFRESH_MS = 1000;

/** The Redis the settings name, for messages (no credentials): `redis://cache:6379`, `cluster a:7000,b:7000`; null for none. */
export function redisName(redis: AppConfig['redis']): string | null {
  if (redis.url) return serverName(redis.url);
  return redis.clusterNodes ? `cluster ${redis.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}` : null;
}

async function connectRedis(config: AppConfig): Promise<RedisClient | null> {
  const { url } = config.redis;
  const name = redisName(config.redis);
  if (!name) return null;
  const setting = url ? 'REDIS_URL' : 'REDIS_CLUSTER_NODES';
  const logger = new Logger('Redis');
  const client: RedisClient = url ? new Redis(url, redisOptions(config.redis)) : clusterClient(config.redis);
  const watch = watchConnection(client, name, logger);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const cause = watch.firstError ?? (err instanceof Error ? err : new Error(String(err)));
    throw new StartupError(`Redis at ${name} (${setting}) is unreachable or refused the connection: ${cause.message}`);
  }
  watch.started = true;
  const warning = await persistenceWarning(client, name);
  if (warning) logger.warn(warning);
  return client;
}

/** Clients being closed on purpose: losing their connection is not news. */
const quitting = new WeakSet<RedisClient>();

/**
 * Once started: logs losing and regaining the connection once each, and the driver's errors at most
 * once a second per kind. (Before that, a failure to connect is the start-up error, said once.)
 */
function watchConnection(client: RedisClient, name: string, logger: Logger): { started: boolean; firstError?: Error } {
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
  constructor(@Inject(REDIS_CLIENT) private readonly client: RedisClient | null) {}

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
