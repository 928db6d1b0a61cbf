/** Why a coupon does not apply right now. */
export type CouponRefusal = 'inactive' | 'not_started' | 'expired' | 'used_up';

export type CouponCheck = { applicable: true } | { applicable: false; reason: CouponRefusal };

export interface CouponState {
  active: boolean;
  startsAt: Date | null;
  expiresAt: Date | null;
  maxRedemptions: number | null;
  redemptions: number;
}

/** Whether a coupon may be used at `now`: the outcome is a value, never an exception. */
export function checkCoupon(coupon: CouponState, now: Date): CouponCheck {
  if (!coupon.active) return { applicable: false, reason: 'inactive' };
  if (coupon.startsAt && now < coupon.startsAt) return { applicable: false, reason: 'not_started' };
  if (coupon.expiresAt && now >= coupon.expiresAt) return { applicable: false, reason: 'expired' };
  if (coupon.maxRedemptions !== null && coupon.redemptions >= coupon.maxRedemptions) return { applicable: false, reason: 'used_up' };
  return { applicable: true };
}
