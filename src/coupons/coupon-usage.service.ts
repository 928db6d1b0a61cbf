import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { checkCoupon, CouponCheck } from './coupon-rules';
import { CouponsRepository, CouponWithProducts } from './coupons.repository';

/** A coupon as found for a cart or a checkout: the row, and whether it may be used now. */
export type CouponLookup = { coupon: null; check: { applicable: false; reason: 'deleted' } } | { coupon: CouponWithProducts; check: CouponCheck };

function lookup(coupon: CouponWithProducts | null, now: Date): CouponLookup {
  return coupon ? { coupon, check: checkCoupon(coupon, now) } : { coupon: null, check: { applicable: false, reason: 'deleted' } };
}

/**
 * The coupon port for carts and checkout: finding a coupon by code with its applicability (the one
 * rule, coupon-rules.ts), and redeeming it inside the caller's transaction.
 */
@Injectable()
export class CouponUsageService {
  constructor(private readonly coupons: CouponsRepository) {}

  /** The coupon with this code (any case) and whether it applies at `now`. */
  async find(code: string, now = new Date()): Promise<CouponLookup> {
    return lookup(await this.coupons.findByCode(code), now);
  }

  /** Like find, with the coupon's row locked until the caller's transaction ends (checkout). */
  async lockForCheckout(manager: EntityManager, code: string, now = new Date()): Promise<CouponLookup> {
    return lookup(await this.coupons.lockByCode(manager, code), now);
  }

  /** Counts one redemption of a coupon locked and found applicable by lockForCheckout. */
  redeem(manager: EntityManager, couponId: number): Promise<void> {
    return this.coupons.redeem(manager, couponId);
  }
}
