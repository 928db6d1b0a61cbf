import request from 'supertest';
import { ADMIN_KEY, TestApp } from '../helpers/test-app';

export interface CouponFields {
  code: string;
  name: string;
  multiplier?: number;
  upto?: number;
  flatoff?: number;
  startsAt?: string | null;
  expiresAt?: string | null;
  maxRedemptions?: number | null;
  active?: boolean;
  appliesTo?: 'cart' | 'products';
  products?: number[];
}

let seq = 0;

/** A valid coupon body with a unique code; override what the test is about. */
export function makeCoupon(overrides: Partial<CouponFields> = {}): CouponFields {
  seq += 1;
  return { code: `C${Date.now().toString(36)}${seq}`, name: `Coupon ${seq}`, multiplier: 0.9, ...overrides };
}

/** Creates a coupon through the admin API and returns its JSON. */
export async function createCoupon(t: TestApp, overrides: Partial<CouponFields> = {}): Promise<CouponFields & { redemptions: number }> {
  const res = await request(t.http).post('/api/coupons').set('X-API-Key', ADMIN_KEY).send(makeCoupon(overrides)).expect(201);
  return res.body as CouponFields & { redemptions: number };
}
