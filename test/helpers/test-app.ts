import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import { Client } from 'pg';
import { createApp } from '../../src/app.setup';

/** The servers the tests use: DATABASE_URL and REDIS_URL as given to `npm test`, else the local ones. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface TestApp {
  app: NestExpressApplication;
  /** The HTTP server to hand to supertest. */
  http: ReturnType<NestExpressApplication['getHttpServer']>;
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
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: keyPrefix,
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_MINUTE: '0', // the rate-limit suite turns it on
    ...env,
  });
  const app = await createApp();
  await app.init();
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

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
