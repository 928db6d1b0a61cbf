import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { pgDriver } from './pg-driver';

export interface DatabaseTarget {
  /** A postgres:// URL, or the embedded server's socket directory when `socketDir` is set. */
  url?: string;
  socketDir?: string;
  schema?: string;
  poolSize: number;
  /** The longest a query waits for a connection (pool full, or the server out of slots); default 5000. */
  poolTimeoutMs?: number;
  /**
   * Postgres's statement_timeout and idle_in_transaction_session_timeout on each connection; the
   * client gives up on a query QUERY_TIMEOUT_GRACE_MS later (a stalled server or network) and closes
   * its connection. Unset or 0: no timeouts (migrations, scripts, the embedded server).
   */
  statementTimeoutMs?: number;
}

/** How much longer than statement_timeout the client waits for an answer before it closes the connection. */
export const QUERY_TIMEOUT_GRACE_MS = 1000;

/** TypeORM options for a real server or the embedded one; schema changes only through migrations. */
export function buildDataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const extra: Record<string, unknown> = { max: target.poolSize, connectionTimeoutMillis: target.poolTimeoutMs ?? 5000, keepAlive: true };
  // READ COMMITTED as the connection's default (whatever the server's is), so a transaction is one
  // START TRANSACTION: TypeORM sends SET TRANSACTION ISOLATION LEVEL as a second round trip when asked
  const options = ['-c default_transaction_isolation=read\\ committed'];
  if (target.schema) options.push(`-c search_path=${target.schema}`);
  extra.options = options.join(' ');
  if (target.statementTimeoutMs) {
    extra.statement_timeout = target.statementTimeoutMs;
    extra.idle_in_transaction_session_timeout = target.statementTimeoutMs;
    extra.query_timeout = target.statementTimeoutMs + QUERY_TIMEOUT_GRACE_MS;
  }
  const connection = target.socketDir
    ? { host: target.socketDir, port: 5432, username: 'postgres', database: 'postgres' }
    : { url: target.url };
  return {
    type: 'postgres',
    driver: pgDriver,
    ...connection,
    schema: target.schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    // expected failures (unique and foreign-key violations) are handled; unexpected ones reach the exception filter's log
    logging: false,
    extra,
  };
}
