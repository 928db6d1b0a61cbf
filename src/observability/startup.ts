import type { AppConfig } from '../config/app.config';
import { redisName } from '../redis/redis.module';

/** A URL's host, port and path, without user or password. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** What this instance runs on, in a few lines for the start-up log; nothing secret. */
export function startupSummary(config: AppConfig): string[] {
  const db = config.database;
  const schema = db.schema ? `, schema ${db.schema}` : '';
  const database = db.url
    ? `database: Postgres at ${where(db.url)}${schema}, pool ${db.poolSize}`
    : `database: Embedded Postgres (PGlite) in ${db.dataDir}${schema} (one process per DATA_DIR)`;
  const carts = config.redis.url
    ? `cart store: Redis at ${where(config.redis.url)}, key prefix ${config.redis.keyPrefix}`
    : config.redis.clusterNodes
      ? `cart store: Redis ${redisName(config.redis)}, key prefix ${config.redis.keyPrefix}`
      : 'cart store: process memory (one instance only; carts are lost on restart)';
  const login = config.facebook ? `login: Facebook on, callback ${config.facebook.callbackUrl}` : 'login: off (FACEBOOK_APP_ID unset)';
  const metrics = config.metricsToken ? 'metrics: GET /metrics with the METRICS_TOKEN Bearer token' : 'metrics: off (METRICS_TOKEN unset)';
  const cors = config.corsOrigins.length === 0 ? 'CORS off' : `CORS for ${config.corsOrigins === '*' ? 'any origin' : config.corsOrigins.join(', ')}`;
  return [database, carts, `${login}; ${metrics}; ${cors}`];
}

/** The address to show people: a wildcard or loopback bind as localhost. */
export function publicUrl(url: string): string {
  return url.replace('[::1]', 'localhost').replace('[::]', 'localhost').replace('127.0.0.1', 'localhost').replace('0.0.0.0', 'localhost');
}
