import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Any fixed 64-bit number shared by every instance: whoever holds it runs the migrations. */
const MIGRATION_LOCK_ID = 7_351_942_018;

/**
 * Creates the configured schema if needed and runs pending migrations. With `lock` (real servers)
 * it holds a Postgres advisory lock meanwhile, so several instances starting together migrate once.
 * The embedded server has a single connection and a single instance, so it needs no lock.
 */
export async function migrate(dataSource: DataSource, opts: { lock: boolean }): Promise<void> {
  const logger = new Logger('Migrations');
  const schema = (dataSource.options as { schema?: string }).schema;
  const run = async () => {
    if (schema) await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) logger.log(`applied ${m.name}`);
  };
  if (!opts.lock) return run();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await run();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

/** `npm run migrate` / `node dist/database/migrate.js`: applies pending migrations and exits. */
if (require.main === module) {
  // imported lazily: the app imports this module too, and needs none of the script's machinery
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runScript, withDatabase } = require('./standalone') as typeof import('./standalone');
  runScript(() => withDatabase(async () => undefined));
}
