import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { Client } from 'pg';
import { App, createApp } from '../../src/app.setup';
import { TOLERANT_BOUNDS } from './bounds';

/** The servers the tests use: DATABASE_URL and REDIS_URL as given to `npm test`, else the local ones. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_KEY = 'test-admin-key-0123456789';

/** `cluster` in the jest project "cluster" (test/helpers/use-cluster.ts): the suites then use the Redis Cluster. */
export const onCluster = () => process.env.TEST_REDIS_MODE === 'cluster';

/** The cluster's seed nodes (global-setup.ts finds or starts one). */
export const clusterNodes = (): string[] => (process.env.TEST_REDIS_CLUSTER_NODES ?? '').split(',').filter(Boolean);

/** The app settings that point it at this run's Redis: the single node, or the cluster. */
export function redisTarget(): Record<string, string | undefined> {
  return onCluster() ? { REDIS_URL: undefined, REDIS_CLUSTER_NODES: clusterNodes().join(',') } : { REDIS_URL: TEST_REDIS_URL, REDIS_CLUSTER_NODES: undefined };
}

/** A client of this run's Redis (single node or cluster), for tests that look at keys themselves. */
export function newTestRedis(keyPrefix?: string): Redis {
  if (!onCluster()) return new Redis(TEST_REDIS_URL, { keyPrefix });
  const [host, port] = clusterNodes()[0].split(':');
  // a Cluster has the same command methods; tests use it where a Redis is typed
  return new Cluster([{ host, port: Number(port) }], { keyPrefix }) as unknown as Redis;
}

export interface TestApp {
  app: App;
  /** The HTTP server to hand to supertest. */
  http: ReturnType<App['getHttpServer']>;
  schema: string;
  keyPrefix: string;
  /** Closes the app (unless already closed) and drops the schema and Redis keys. */
  close(): Promise<void>;
}

/** A unique lower-case suffix so each test file has its own schema and Redis key prefix. */
export function uniqueName(name: string): string {
  return `t_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
}

/** Sets the environment a test app reads; `undefined` removes a variable. */
function setEnv(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** Starts the whole app on real Postgres and Redis, in its own schema and key prefix. */
export async function startTestApp(name: string, env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const schema = uniqueName(name);
  const keyPrefix = `${schema}:`;
  setEnv({
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    DATABASE_POOL_SIZE: '10',
    ...redisTarget(),
    REDIS_KEY_PREFIX: keyPrefix,
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_MINUTE: '0', // the rate-limit suite turns it on
    ...TOLERANT_BOUNDS,
    ...env,
  });
  const app = await createApp();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  let closed = false;
  return {
    app,
    http: app.getHttpServer(),
    schema,
    keyPrefix,
    async close() {
      if (!closed) await app.close();
      closed = true;
      await dropSchema(schema);
      await deleteKeys(keyPrefix);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * The keys that match `pattern` (give the full key, prefix included: ioredis does not prefix
 * patterns), on the single node or on every master of the cluster; `remove` deletes them too.
 */
export async function scanKeys(pattern: string, remove = false): Promise<string[]> {
  const client = onCluster() ? (newTestRedis() as unknown as Cluster) : new Redis(TEST_REDIS_URL);
  const found: string[] = [];
  try {
    if (client instanceof Cluster && client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', () => resolve()));
    const servers = client instanceof Cluster ? client.nodes('master') : [client];
    for (const server of servers) {
      const keys: string[] = [];
      for await (const batch of server.scanStream({ match: pattern, count: 500 })) keys.push(...(batch as string[]));
      // one DEL per key: on a cluster the keys live in different slots
      if (remove) await Promise.all(keys.map((k) => server.del(k)));
      found.push(...keys);
    }
  } finally {
    client.disconnect();
  }
  return found;
}

/** Deletes every key under `prefix`, on the single node or on every master of the cluster. */
export async function deleteKeys(prefix: string): Promise<void> {
  await scanKeys(`${prefix}*`, true);
}
