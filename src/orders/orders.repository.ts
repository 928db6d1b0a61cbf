import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import pg, { escapeLiteral } from 'pg';
import { DataSource, EntityManager, QueryRunner, Repository } from 'typeorm';
import type { Cents } from '../common/money';
import { AppConfig } from '../config/app.config';
import { isUniqueViolation } from '../database/pg-errors';
import { Order } from './order.entity';

export interface NewOrder {
  id: string;
  sid: string;
  cartId: string;
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

/** What a cart's orders say, read under its checkout lock. */
export interface CartOrders {
  /** Some order's bought lines are still in the cart (pending-clears.ts). */
  pendingClears: boolean;
  /** The order this cart placed with the request's Idempotency-Key, if any. */
  placedWithKey: string | null;
}

/** Another checkout of the same cart held its lock longer than the caller would wait. */
export class CartLockTimeout extends Error {}

/** The unique index on (cart_id, idempotency_key) (OrderCartId migration). */
const IDEMPOTENCY_KEY_UNIQUE = 'orders_cart_idempotency_key_unique';
/** SQLSTATE lock_not_available: lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

/** The advisory lock key of a cart's checkout lock (hashed with hashtextextended). */
const cartLockKey = (cartId: string) => `cart:${cartId}`;

/** Tells TypeORM a transaction is open on `runner` (QueryRunner declares the flag read-only; its own startTransaction sets it). */
function inTransaction(runner: QueryRunner, active: boolean): void {
  (runner as { isTransactionActive: boolean }).isTransactionActive = active;
}

/** Orders and their lines (Postgres); the checkout transaction and its per-cart lock. */
@Injectable()
export class OrdersRepository {
  /** statement_timeout (0: none): a wait for the cart's lock must end before it, as checkout_in_progress. */
  private readonly statementTimeoutMs: number;

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.statementTimeoutMs = config.database.url ? config.database.statementTimeoutMs : 0;
  }

  /**
   * Runs `work` in one READ COMMITTED transaction (the connections' default, data-source-options.ts:
   * naming the level here would cost a SET TRANSACTION round trip); the helpers take its manager.
   * The checkout's is checkoutTransaction.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * The checkout's transaction (READ COMMITTED): runs `work` holding the cart's checkout lock from
   * the start (a transaction-level advisory lock: it is released at commit or rollback, and by
   * Postgres when the holder's connection dies, so a crashed instance never leaves it behind), with
   * what the cart's orders say under that lock. Waits for the lock at most `waitMs`, then
   * CartLockTimeout; less when DATABASE_STATEMENT_TIMEOUT_MS would cancel the wait first (then half
   * a second less).
   *
   * One round trip before `work` (was six: TypeORM's START TRANSACTION and SET TRANSACTION, lock_timeout
   * set and reset around the lock, the orders read): a simple query of three statements, so without
   * bind parameters (the values are escaped literals):
   * - START TRANSACTION;
   * - lock_timeout set, the lock, lock_timeout reset (the row locks that follow are bounded by the
   *   statement timeout only, as before), each a subquery fenced by OFFSET 0, so the one inside runs
   *   first: the order is the plan's, not the select list's;
   * - the orders whose clear is pending and the one placed with `key`. Each statement of such a
   *   query takes its own snapshot (READ COMMITTED), after the one before it ended: this one sees
   *   what the checkout we waited for committed.
   */
  async checkoutTransaction<T>(cartId: string, key: string | null, waitMs: number, work: (manager: EntityManager, orders: CartOrders) => Promise<T>): Promise<T> {
    const wait = this.statementTimeoutMs ? Math.max(100, Math.min(waitMs, this.statementTimeoutMs - 500)) : waitMs;
    const keyLiteral = key === null ? 'NULL' : escapeLiteral(key);
    const runner = this.dataSource.createQueryRunner();
    try {
      // a pool timeout ends here, with nothing to roll back; the client, for the three results
      const client = (await runner.connect()) as pg.PoolClient;
      try {
        let found: { id: string; cart_cleared: boolean; keyed: boolean | null }[];
        try {
          const results = (await client.query(
            `START TRANSACTION;
             SELECT set_config('lock_timeout', '0', true) FROM
               (SELECT pg_advisory_xact_lock(hashtextextended(${escapeLiteral(cartLockKey(cartId))}, 0)) FROM
                  (SELECT set_config('lock_timeout', '${Math.round(wait)}ms', true) OFFSET 0) AS bounded OFFSET 0) AS locked;
             SELECT id, cart_cleared, idempotency_key = ${keyLiteral} AS keyed FROM orders
              WHERE cart_id = ${escapeLiteral(cartId)} AND (cart_cleared = false OR idempotency_key = ${keyLiteral})`,
          )) as unknown as pg.QueryResult[];
          found = results[2].rows as typeof found;
        } catch (err) {
          if ((err as { code?: unknown }).code === LOCK_NOT_AVAILABLE) throw new CartLockTimeout();
          throw err;
        }
        // what TypeORM's startTransaction records: its pessimistic locks (CouponsRepository.lockByCode)
        // require it, and it never opens a transaction of its own inside one
        inTransaction(runner, true);
        const result = await work(runner.manager, { pendingClears: found.some((r) => !r.cart_cleared), placedWithKey: found.find((r) => r.keyed)?.id ?? null });
        await runner.query('COMMIT');
        return result;
      } catch (err) {
        await runner.query('ROLLBACK').catch(() => undefined); // the original error counts; a broken connection is closed by the pool
        throw err;
      } finally {
        inTransaction(runner, false);
      }
    } finally {
      await runner.release();
    }
  }

  /** Takes the cart's checkout lock for the rest of the transaction if it is free; false when a checkout holds it. */
  async tryLockCart(manager: EntityManager, cartId: string): Promise<boolean> {
    const [row] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`, [cartLockKey(cartId)])) as { locked: boolean }[];
    return row.locked;
  }

  /** Inserts the order and its lines in one statement; IdempotencyKeyTaken when another checkout holds the key. */
  async insertOrder(manager: EntityManager, order: NewOrder): Promise<void> {
    const l = order.lines;
    try {
      await manager.query(
        `WITH placed AS (
           INSERT INTO orders (id, sid, cart_id, user_id, subtotal_cents, discount_cents, total_cents, coupon_code, coupon_name, idempotency_key, cart_fingerprint, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id)
         INSERT INTO order_line (order_id, product_id, name, price_cents, quantity, line_total_cents, line_discount_cents)
         SELECT placed.id, t.* FROM placed, unnest($13::int[], $14::varchar[], $15::int[], $16::int[], $17::bigint[], $18::bigint[]) AS t`,
        [
          order.id, order.sid, order.cartId, order.userId, order.subtotalCents, order.discountCents, order.totalCents, order.couponCode, order.couponName, order.idempotencyKey, order.cartFingerprint, order.createdAt,
          l.map((x) => x.productId), l.map((x) => x.name), l.map((x) => x.priceCents), l.map((x) => x.quantity), l.map((x) => x.lineTotalCents), l.map((x) => x.lineDiscountCents),
        ],
      );
    } catch (err) {
      if (isUniqueViolation(err, IDEMPOTENCY_KEY_UNIQUE)) throw new IdempotencyKeyTaken();
      throw err;
    }
  }

  /** Records that these orders' lines left their carts, in one statement: in the caller's transaction when `manager` is given, else its own. */
  async markCartsCleared(ids: string[], manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource).query(`UPDATE orders SET cart_cleared = true WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** This cart's orders whose bought lines are still in it (the partial index orders_uncleared_cart). */
  findUncleared(manager: EntityManager, cartId: string): Promise<Order[]> {
    return manager.getRepository(Order).find({ where: { cartId, cartCleared: false }, relations: { lines: true } });
  }

  /** The carts that hold lines of orders whose clear did not happen (usually none; the partial index orders_uncleared_cart). */
  async cartsWithUnclearedOrders(): Promise<string[]> {
    const rows = (await this.orders.query(`SELECT DISTINCT cart_id FROM orders WHERE cart_cleared = false`)) as { cart_id: string }[];
    return rows.map((r) => r.cart_id);
  }

  /** An order with its lines; inside the caller's transaction when `manager` is given (a replay, after checkoutTransaction). */
  findById(id: string, manager?: EntityManager): Promise<Order | null> {
    return (manager ? manager.getRepository(Order) : this.orders).findOne({ where: { id }, relations: { lines: true }, order: { lines: { productId: 'ASC' } } });
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
