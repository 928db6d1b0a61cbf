import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { Cents } from '../common/money';
import { Order } from './order.entity';

/** A product row locked for checkout. */
export interface LockedProduct {
  id: number;
  name: string;
  priceCents: Cents;
  quantity: number;
}

/** The cart's coupon, locked for the checkout. */
export interface LockedCoupon {
  id: number;
  code: string;
  name: string;
  multiplierBp: number;
  flatoffCents: Cents;
  uptoCents: Cents;
  productIds: number[];
}

export interface NewOrder {
  id: string;
  sid: string;
  userId: number | null;
  subtotalCents: Cents;
  discountCents: Cents;
  totalCents: Cents;
  couponCode: string | null;
  couponName: string | null;
  idempotencyKey: string | null;
  cartFingerprint: string;
  createdAt: Date;
  lines: { productId: number; name: string; priceCents: Cents; quantity: number; lineTotalCents: Cents; lineDiscountCents: Cents }[];
}

export class IdempotencyKeyTaken extends Error {}

/** Orders and the stock and coupon moves of a checkout (Postgres). */
@Injectable()
export class OrdersRepository {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly dataSource: DataSource,
  ) {}

  /** Runs `work` in one transaction; its helpers below take the transaction's manager. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  /** Locks the cart's products in id order (so concurrent checkouts never deadlock). */
  async lockProducts(manager: EntityManager, ids: number[]): Promise<LockedProduct[]> {
    const rows: { id: number; name: string; price_cents: number; quantity: number }[] = await manager.query(
      'SELECT id, name, price_cents, quantity FROM product WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE',
      [ids],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, priceCents: r.price_cents, quantity: r.quantity }));
  }

  /**
   * Takes the stock with one conditional update; true only when every line had enough. The rows
   * are locked already, the condition is the last guard (with the database's stock >= 0 check).
   */
  async takeStock(manager: EntityManager, lines: { pid: number; quantity: number }[]): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE product p SET quantity = p.quantity - t.quantity, updated_at = now()
         FROM unnest($1::int[], $2::int[]) AS t(id, quantity)
        WHERE p.id = t.id AND p.quantity >= t.quantity`,
      [lines.map((l) => l.pid), lines.map((l) => l.quantity)],
    )) as [unknown, number];
    return affected === lines.length;
  }

  /** The cart's coupon with its product links, its row locked until the transaction ends; null if it is gone. */
  async lockCoupon(manager: EntityManager, code: string): Promise<LockedCoupon | null> {
    const rows = (await manager.query(
      `SELECT id, code, name, multiplier_bp, flatoff_cents, upto_cents,
              ARRAY(SELECT product_id FROM coupon_product WHERE coupon_id = coupon.id) AS product_ids
         FROM coupon WHERE lower(code) = lower($1) FOR UPDATE`,
      [code],
    )) as { id: number; code: string; name: string; multiplier_bp: number; flatoff_cents: number; upto_cents: number; product_ids: number[] }[];
    const row = rows[0];
    return row
      ? { id: row.id, code: row.code, name: row.name, multiplierBp: row.multiplier_bp, flatoffCents: row.flatoff_cents, uptoCents: row.upto_cents, productIds: row.product_ids }
      : null;
  }

  /**
   * Counts one redemption only while the coupon applies at this moment (active, started, not
   * expired, redemptions < maxRedemptions): a conditional update, so racing checkouts cannot
   * overdraw it. False when it does not apply.
   */
  async redeemCoupon(manager: EntityManager, couponId: number): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE coupon SET redemptions = redemptions + 1
        WHERE id = $1 AND active
          AND (starts_at IS NULL OR starts_at <= now())
          AND (expires_at IS NULL OR expires_at > now())
          AND (max_redemptions IS NULL OR redemptions < max_redemptions)`,
      [couponId],
    )) as [unknown, number];
    return affected === 1;
  }

  /** Inserts the order and its lines in one statement; IdempotencyKeyTaken when another checkout holds the key. */
  async insertOrder(manager: EntityManager, order: NewOrder): Promise<void> {
    const l = order.lines;
    try {
      await manager.query(
        `WITH placed AS (
           INSERT INTO orders (id, sid, user_id, subtotal_cents, discount_cents, total_cents, coupon_code, coupon_name, idempotency_key, cart_fingerprint, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id)
         INSERT INTO order_line (order_id, product_id, name, price_cents, quantity, line_total_cents, line_discount_cents)
         SELECT placed.id, t.* FROM placed, unnest($12::int[], $13::varchar[], $14::int[], $15::int[], $16::bigint[], $17::bigint[]) AS t`,
        [
          order.id, order.sid, order.userId, order.subtotalCents, order.discountCents, order.totalCents, order.couponCode, order.couponName, order.idempotencyKey, order.cartFingerprint, order.createdAt,
          l.map((x) => x.productId), l.map((x) => x.name), l.map((x) => x.priceCents), l.map((x) => x.quantity), l.map((x) => x.lineTotalCents), l.map((x) => x.lineDiscountCents),
        ],
      );
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') throw new IdempotencyKeyTaken();
      throw err;
    }
  }

  async markCartCleared(id: string): Promise<void> {
    await this.orders.update({ id }, { cartCleared: true });
  }

  findById(id: string): Promise<Order | null> {
    return this.orders.findOne({ where: { id }, relations: { lines: true }, order: { lines: { productId: 'ASC' } } });
  }

  findByIdempotencyKey(key: string): Promise<Order | null> {
    return this.orders.findOne({ where: { idempotencyKey: key }, relations: { lines: true }, order: { lines: { productId: 'ASC' } } });
  }

  /** Newest first; only the user's own when `userId` is given. */
  findPage(limit: number, offset: number, userId?: number): Promise<[Order[], number]> {
    return this.orders.findAndCount({
      where: userId === undefined ? {} : { userId },
      relations: { lines: true },
      order: { createdAt: 'DESC', id: 'ASC', lines: { productId: 'ASC' } },
      take: limit,
      skip: offset,
    });
  }
}
