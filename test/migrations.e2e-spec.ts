import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { migrate } from '../src/database/migrate';
import { MIGRATIONS } from '../src/database/migrations';
import { CouponScope1795800000000 } from '../src/database/migrations/1795800000000-CouponScope';
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

  describe('CouponScope: existing coupons keep what they cover', () => {
    const older = uniqueName('migrations_scope');
    afterAll(() => dropSchema(older));

    it('a coupon with no products becomes a cart coupon; one with products a products coupon', async () => {
      const options = buildDataSourceOptions({ url: TEST_DATABASE_URL, schema: older, poolSize: 2 });
      const before = await new DataSource({ ...options, migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(CouponScope1795800000000)) }).initialize();
      sources.push(before);
      await migrate(before, { lock: true });
      const [{ id: pid }] = await before.query(`INSERT INTO "${older}".product (name, price_cents, quantity) VALUES ('p', 100, 1) RETURNING id`);
      const [{ id: wide }] = await before.query(`INSERT INTO "${older}".coupon (code, name) VALUES ('wide', 'w') RETURNING id`);
      const [{ id: narrow }] = await before.query(`INSERT INTO "${older}".coupon (code, name) VALUES ('narrow', 'n') RETURNING id`);
      await before.query(`INSERT INTO "${older}".coupon_product (coupon_id, product_id) VALUES ($1, $2)`, [narrow, pid]);

      const after = await new DataSource(options).initialize();
      sources.push(after);
      await migrate(after, { lock: true });
      const rows = await after.query(`SELECT id, applies_to FROM "${older}".coupon ORDER BY id`);
      expect(rows).toEqual([{ id: wide, applies_to: 'cart' }, { id: narrow, applies_to: 'products' }]);
      // and new coupons default to products
      await after.query(`INSERT INTO "${older}".coupon (code, name) VALUES ('new', 'x')`);
      expect((await after.query(`SELECT applies_to FROM "${older}".coupon WHERE code = 'new'`))[0].applies_to).toBe('products');
    });
  });
});
