import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { validateEnv } from '../config/env.validation';
import { buildDataSourceOptions } from './data-source-options';
import { EmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';

/**
 * For command-line scripts (migrate, seed): the configured database (embedded when DATABASE_URL is
 * unset), migrated, handed to `work`, then closed.
 */
export async function withDatabase<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const env = validateEnv(process.env);
  env.ADMIN_API_KEY ??= 'not-used-by-scripts';
  const config = new AppConfig(env);
  const embedded = config.database.url ? null : await EmbeddedPostgres.start(config.database.dataDir);
  const dataSource = new DataSource(
    buildDataSourceOptions({
      url: config.database.url,
      socketDir: embedded?.socketDir,
      schema: config.database.schema,
      poolSize: embedded ? 1 : 2,
    }),
  );
  try {
    await dataSource.initialize();
    await migrate(dataSource, { lock: !embedded });
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

/** Runs a script's main and exits 1 with its message on failure. */
export function runScript(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
