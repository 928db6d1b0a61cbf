import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './src/database/data-source-options';

/**
 * The data source the TypeORM CLI uses (migration:generate, migration:run, migration:revert):
 *   DATABASE_URL=postgres://... npm run migration:generate -- src/database/migrations/Name
 * It needs a real server; the embedded default migrates itself at start.
 */
if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to use the TypeORM CLI');

export default new DataSource(
  buildDataSourceOptions({
    url: process.env.DATABASE_URL,
    schema: process.env.DATABASE_SCHEMA,
    poolSize: 2,
  }),
);
