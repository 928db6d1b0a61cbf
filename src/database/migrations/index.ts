import { InitialSchema1795607265217 } from './1795607265217-InitialSchema';
import { Coupons1795608189704 } from './1795608189704-Coupons';
import { Orders1795608617025 } from './1795608617025-Orders';
import { Users1795609025013 } from './1795609025013-Users';
import { OrderCartCleared1795613384005 } from './1795613384005-OrderCartCleared';
import { OrderCartId1795700000000 } from './1795700000000-OrderCartId';
import { CouponScope1795800000000 } from './1795800000000-CouponScope';

/** Every migration in order, listed explicitly so the same list works from src (ts) and dist (js). */
export const MIGRATIONS: Function[] = [
  InitialSchema1795607265217,
  Coupons1795608189704,
  Orders1795608617025,
  Users1795609025013,
  OrderCartCleared1795613384005,
  OrderCartId1795700000000,
  CouponScope1795800000000,
];
