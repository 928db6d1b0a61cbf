import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseTarget {
  /** A postgres:// URL, or the embedded server's socket directory when `socketDir` is set. */
  url?: string;
  socketDir?: string;
  schema?: string;
  poolSize: number;
}

/** TypeORM options for a real server or the embedded one; schema changes only through migrations. */
export function buildDataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const extra: Record<string, unknown> = { max: target.poolSize, connectionTimeoutMillis: 5000 };
  if (target.schema) extra.options = `-c search_path=${target.schema}`;
  const connection = target.socketDir
    ? { host: target.socketDir, port: 5432, username: 'postgres', database: 'postgres' }
    : { url: target.url };
  return {
    type: 'postgres',
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
