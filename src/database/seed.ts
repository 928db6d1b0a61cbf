import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Coupon } from '../coupons/coupon.entity';
import { Product } from '../products/product.entity';
import { runScript, withDatabase } from './standalone';

/** The demo catalogue; the first product is the one the original shop's flat20 example points at. */
export const DEMO_PRODUCTS = [
  { name: 'Plastic bucket', priceCents: 499, quantity: 100 },
  { name: 'Plastic chair', priceCents: 1999, quantity: 40 },
  { name: 'Steel mug', priceCents: 750, quantity: 60 },
  { name: 'Cotton tote bag', priceCents: 1200, quantity: 25 },
];

export const DEMO_COUPON = { code: 'flat20', name: 'Flat 20% off on plastic goods', multiplierBp: 8000, uptoCents: 0, flatoffCents: 0, appliesTo: 'products' as const };

/** Loads the demo products and the flat20 coupon (attached to the first product); idempotent. */
export async function seed(dataSource: DataSource): Promise<string[]> {
  return dataSource.transaction(async (manager) => {
    const report: string[] = [];
    const products = manager.getRepository(Product);
    const ids: number[] = [];
    for (const demo of DEMO_PRODUCTS) {
      const existing = await products.findOneBy({ name: demo.name });
      const product = existing ?? (await products.save(products.create(demo)));
      ids.push(product.id);
      report.push(`product ${product.id} "${product.name}": ${existing ? 'already there' : 'created'}`);
    }
    const coupons = manager.getRepository(Coupon);
    const found = await coupons.createQueryBuilder('c').where('lower(c.code) = lower(:code)', { code: DEMO_COUPON.code }).getOne();
    const coupon = found ?? (await coupons.save(coupons.create(DEMO_COUPON)));
    await manager.query('INSERT INTO coupon_product (coupon_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [coupon.id, ids[0]]);
    report.push(`coupon ${coupon.code} "${coupon.name}" on product ${ids[0]}: ${found ? 'already there' : 'created'}`);
    return report;
  });
}

if (require.main === module) {
  runScript(() =>
    withDatabase(async (dataSource) => {
      const logger = new Logger('Seed');
      for (const line of await seed(dataSource)) logger.log(line);
    }),
  );
}
