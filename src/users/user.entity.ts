import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type UserRole = 'customer' | 'admin';

/** Someone who logged in with Facebook. `admin` users may use the admin routes with their token. */
@Entity('users')
@Check('users_role', `"role" IN ('customer', 'admin')`)
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('users_facebook_id_unique', { unique: true })
  @Column({ name: 'facebook_id', type: 'varchar', length: 64 })
  facebookId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 16, default: 'customer' })
  role: UserRole;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
