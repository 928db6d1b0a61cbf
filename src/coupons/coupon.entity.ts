import { Check, Column, CreateDateColumn, Entity, Index, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Product } from '../products/product.entity';
import type { CouponScope } from './pricing';

/**
 * A coupon: a percentage (`multiplierBp`, basis points of the price kept: 8000 = 20% off), a flat
 * amount and a cap, on the whole cart or on the products it is attached to (`appliesTo`). `code`
 * is unique without regard to case (a functional index the migration creates).
 */
@Entity('coupon')
@Index('coupon_code_lower_unique', { synchronize: false })
@Check('coupon_multiplier_range', '"multiplier_bp" > 0 AND "multiplier_bp" <= 10000')
@Check('coupon_flatoff_nonnegative', '"flatoff_cents" >= 0')
@Check('coupon_upto_nonnegative', '"upto_cents" >= 0')
@Check('coupon_redemptions_nonnegative', '"redemptions" >= 0')
@Check('coupon_applies_to_scope', `"applies_to" IN ('cart', 'products')`)
export class Coupon {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Share of the price kept, in basis points (10000 = no percentage off). */
  @Column({ name: 'multiplier_bp', type: 'integer', default: 10000 })
  multiplierBp: number;

  /** Cap on the coupon's discount in cents; 0 = no cap. */
  @Column({ name: 'upto_cents', type: 'integer', default: 0 })
  uptoCents: number;

  @Column({ name: 'flatoff_cents', type: 'integer', default: 0 })
  flatoffCents: number;

  @Column({ name: 'starts_at', type: 'timestamptz', nullable: true })
  startsAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** null: unlimited. */
  @Column({ name: 'max_redemptions', type: 'integer', nullable: true })
  maxRedemptions: number | null;

  /** Placed orders that used it. */
  @Column({ type: 'integer', default: 0 })
  redemptions: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** `cart`: every line of the cart (it has no products); `products`: only its products' lines (none: nothing). */
  @Column({ name: 'applies_to', type: 'varchar', length: 16, default: 'products' })
  appliesTo: CouponScope;

  @ManyToMany(() => Product, { onDelete: 'CASCADE' })
  @JoinTable({
    name: 'coupon_product',
    joinColumn: { name: 'coupon_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'product_id', referencedColumnName: 'id' },
  })
  products: Product[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
