import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('product')
@Check('product_price_nonnegative', '"price_cents" >= 0')
@Check('product_quantity_nonnegative', '"quantity" >= 0')
export class Product {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Unit price in cents. */
  @Column({ name: 'price_cents', type: 'integer' })
  priceCents: number;

  /** Units in stock; never below 0 (database check). */
  @Column({ type: 'integer' })
  quantity: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
