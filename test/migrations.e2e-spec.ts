import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { migrate } from '../src/database/migrate';
import { MIGRATIONS } from '../src/database/migrations';
import { dropSchema, TEST_DATABASE_URL, uniqueName } from './helpers/test-app';

jest.mock('@nestjs/common', () => ({
  ...jest.requireActual('@nestjs/common'),
  Logger: class {
    log() {}
    warn() {}
    error() {}
  },
}));

describe('Migrations (real Postgres)', () => {
  const schema = uniqueName('migrations');
  const sources: DataSource[] = [];
  const open = async () => {
    const ds = await new DataSource(buildDataSourceOptions({ url: TEST_DATABASE_URL, schema, poolSize: 3 })).initialize();
    sources.push(ds);
    return ds;
  };

  afterAll(async () => {
    await Promise.all(sources.map((s) => s.isInitialized && s.destroy()));
    await dropSchema(schema);
  });

  it('three instances migrating a fresh schema at once apply each migration once', async () => {
    const [a, b, c] = await Promise.all([open(), open(), open()]);
    await Promise.all([migrate(a, { lock: true }), migrate(b, { lock: true }), migrate(c, { lock: true })]);
    const rows = await a.query(`SELECT name FROM "${schema}".migrations ORDER BY id`);
    expect(rows.map((r: { name: string }) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('leaves nothing for the entities to change: migrations and entities have not drifted', async () => {
    const ds = await open();
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('reverts every migration cleanly', async () => {
    const ds = await open();
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
    expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(['migrations']);
    await migrate(ds, { lock: true });
  });
});
