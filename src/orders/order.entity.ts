import { User } from '../users/user.entity';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A placed order: a snapshot of what was sold and at what price. Later catalogue changes do not
 * alter it, and deleting a product keeps it (lines hold the product id without a foreign key).
 */
@Entity('orders')
@Index('orders_cart_idempotency_key_unique', ['cartId', 'idempotencyKey'], { unique: true })
@Index('orders_uncleared_cart', ['cartId'], { where: '"cart_cleared" = false' })
@Check('orders_totals', '"subtotal_cents" >= 0 AND "discount_cents" >= 0 AND "total_cents" = "subtotal_cents" - "discount_cents"')
export class Order {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 16, default: 'placed' })
  status: 'placed';

  @Column({ type: 'varchar', length: 128 })
  sid: string;

  /** The cart it was placed from: the anonymous cart's sid, or `user:<id>`. */
  @Column({ name: 'cart_id', type: 'varchar', length: 140 })
  cartId: string;

  /** The logged-in user whose session placed it; null for anonymous checkouts. */
  @Index('orders_user_id')
  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'user_id' })
  user?: User | null;

  @Column({ name: 'subtotal_cents', type: 'bigint' })
  subtotalCents: string;

  @Column({ name: 'discount_cents', type: 'bigint' })
  discountCents: string;

  @Column({ name: 'total_cents', type: 'bigint' })
  totalCents: string;

  @Column({ name: 'coupon_code', type: 'varchar', length: 64, nullable: true })
  couponCode: string | null;

  @Column({ name: 'coupon_name', type: 'varchar', length: 200, nullable: true })
  couponName: string | null;

  /** Unique per cart, so a retried checkout finds its order whichever instance it reaches. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 128, nullable: true })
  idempotencyKey: string | null;

  /** sha256 of the cart's lines and coupon at checkout: tells a replay from a reused key. */
  @Column({ name: 'cart_fingerprint', type: 'varchar', length: 64 })
  cartFingerprint: string;

  /** Whether the bought lines have been taken out of the cart; a replay clears them only if not. */
  @Column({ name: 'cart_cleared', type: 'boolean', default: false })
  cartCleared: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => OrderLine, (line) => line.order)
  lines: OrderLine[];
}

@Entity('order_line')
@Check('order_line_quantity_positive', '"quantity" > 0')
export class OrderLine {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('order_line_order_id')
  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @ManyToOne(() => Order, (order) => order.lines, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id' })
  order: Order;

  @Column({ name: 'product_id', type: 'integer' })
  productId: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'price_cents', type: 'integer' })
  priceCents: number;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ name: 'line_total_cents', type: 'bigint' })
  lineTotalCents: string;

  @Column({ name: 'line_discount_cents', type: 'bigint' })
  lineDiscountCents: string;
}
