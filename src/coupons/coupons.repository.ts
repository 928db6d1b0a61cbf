import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { isForeignKeyViolation, isUniqueViolation } from '../database/pg-errors';
import { Coupon } from './coupon.entity';

/** A coupon with the ids of the products it is attached to. */
export type CouponWithProducts = Omit<Coupon, 'products'> & { productIds: number[] };
export type CouponFields = Omit<Coupon, 'id' | 'products' | 'redemptions' | 'createdAt' | 'updatedAt'>;

export type CreateOutcome = { created: CouponWithProducts } | { conflict: 'code_taken' } | { conflict: 'product_not_found'; pid: number };
/** null: no coupon has that code. */
export type UpdateOutcome = { updated: CouponWithProducts } | { conflict: 'has_products'; productIds: number[] } | null;
export type AttachOutcome = 'attached' | 'coupon_not_found' | 'product_not_found' | 'cart_scope';

/** The unique index on lower(code) (created by the Coupons migration). */
const CODE_UNIQUE = 'coupon_code_lower_unique';
/** coupon_product.product_id -> product.id */
const LINK_PRODUCT_FK = 'FK_42b1a91ac78dd7f04a515b60bbc';

function withProductIds(coupon: Coupon): CouponWithProducts {
  const { products, ...rest } = coupon;
  return { ...rest, productIds: (products ?? []).map((p) => p.id).sort((a, b) => a - b) };
}

/** Coupon storage (Postgres): coupons, their product links, and redemption counting. */
@Injectable()
export class CouponsRepository {
  constructor(
    @InjectRepository(Coupon) private readonly coupons: Repository<Coupon>,
    private readonly dataSource: DataSource,
  ) {}

  private withLinks(manager?: EntityManager) {
    return (manager ? manager.getRepository(Coupon) : this.coupons)
      .createQueryBuilder('c')
      .leftJoin('c.products', 'p')
      .addSelect('p.id');
  }

  /** The coupon and its product links in one query; the code is matched without regard to case. */
  async findByCode(code: string): Promise<CouponWithProducts | null> {
    const coupon = await this.withLinks().where('lower(c.code) = lower(:code)', { code }).getOne();
    return coupon ? withProductIds(coupon) : null;
  }

  /** Like findByCode, with the coupon's row locked until the caller's transaction ends. */
  async lockByCode(manager: EntityManager, code: string): Promise<CouponWithProducts | null> {
    const coupon = await manager.getRepository(Coupon).createQueryBuilder('c').where('lower(c.code) = lower(:code)', { code }).setLock('pessimistic_write').getOne();
    if (!coupon) return null;
    // a coupon on the whole cart has no links, and cannot gain one while its row is locked (see update
    // and attachProduct): nothing more to read
    if (coupon.appliesTo === 'cart') return { ...coupon, productIds: [] };
    // the links in a statement of their own, after the lock: a statement sees what was committed
    // when it started, so one that waited for the lock would miss a link attached meanwhile
    const links = (await manager.query('SELECT product_id FROM coupon_product WHERE coupon_id = $1 ORDER BY product_id', [coupon.id])) as { product_id: number }[];
    return { ...coupon, productIds: links.map((l) => Number(l.product_id)) };
  }

  /** Counts one redemption of a coupon the caller has locked and checked. */
  async redeem(manager: EntityManager, couponId: number): Promise<void> {
    await manager.getRepository(Coupon).increment({ id: couponId }, 'redemptions', 1);
  }

  async findPage(limit: number, offset: number): Promise<[CouponWithProducts[], number]> {
    const [items, total] = await this.withLinks().orderBy('c.id', 'ASC').skip(offset).take(limit).getManyAndCount();
    return [items.map(withProductIds), total];
  }

  /** Inserts the coupon and its links in one transaction. */
  async create(fields: CouponFields, productIds: number[]): Promise<CreateOutcome> {
    try {
      const id = await this.dataSource.transaction(async (manager) => {
        const saved = await manager.getRepository(Coupon).save(manager.getRepository(Coupon).create(fields));
        for (const pid of productIds) await this.link(manager, saved.id, pid);
        return saved.id;
      });
      const created = await this.withLinks().where('c.id = :id', { id }).getOne();
      return { created: withProductIds(created!) };
    } catch (err) {
      if (err instanceof MissingProduct) return { conflict: 'product_not_found', pid: err.pid };
      if (isUniqueViolation(err, CODE_UNIQUE)) return { conflict: 'code_taken' };
      throw err;
    }
  }

  /**
   * Applies the changes with the coupon's row locked; null when no coupon has that code. A change
   * to `appliesTo: cart` is refused (`has_products`) while products are attached: the lock makes
   * this and attachProduct exclusive, so a cart coupon never gains a product.
   */
  async update(code: string, changes: Partial<CouponFields>): Promise<UpdateOutcome> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<UpdateOutcome | number> => {
      const locked = await this.lockByCode(manager, code);
      if (!locked) return null;
      if (changes.appliesTo === 'cart' && locked.productIds.length > 0) return { conflict: 'has_products', productIds: locked.productIds };
      if (Object.keys(changes).length > 0) await manager.getRepository(Coupon).update({ id: locked.id }, changes);
      return locked.id;
    });
    if (typeof outcome !== 'number') return outcome;
    const updated = await this.withLinks().where('c.id = :id', { id: outcome }).getOne();
    return updated ? { updated: withProductIds(updated) } : null;
  }

  async delete(code: string): Promise<boolean> {
    const result = await this.coupons.createQueryBuilder().delete().where('lower(code) = lower(:code)', { code }).execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Attaches a product (idempotent), with the coupon's row locked: refused for a coupon that
   * applies to the whole cart (see update).
   */
  async attachProduct(couponId: number, pid: number): Promise<AttachOutcome> {
    try {
      return await this.dataSource.transaction(async (manager): Promise<AttachOutcome> => {
        const [row] = (await manager.query('SELECT applies_to FROM coupon WHERE id = $1 FOR UPDATE', [couponId])) as { applies_to: string }[];
        if (!row) return 'coupon_not_found';
        if (row.applies_to === 'cart') return 'cart_scope';
        await this.link(manager, couponId, pid);
        return 'attached';
      });
    } catch (err) {
      if (err instanceof MissingProduct) return 'product_not_found';
      throw err;
    }
  }

  /** Detaches a product (idempotent). */
  async detachProduct(couponId: number, pid: number): Promise<void> {
    await this.dataSource.query('DELETE FROM coupon_product WHERE coupon_id = $1 AND product_id = $2', [couponId, pid]);
  }

  private async link(manager: EntityManager, couponId: number, pid: number): Promise<void> {
    try {
      await manager.query('INSERT INTO coupon_product (coupon_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [couponId, pid]);
    } catch (err) {
      if (isForeignKeyViolation(err, LINK_PRODUCT_FK)) throw new MissingProduct(pid);
      throw err;
    }
  }
}

class MissingProduct extends Error {
  constructor(readonly pid: number) {
    super(`product ${pid} does not exist`);
  }
}
