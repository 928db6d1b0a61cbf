import { HttpStatus } from '@nestjs/common';
import { Conflict, DomainError, NotFound } from '../common/errors/domain-error';
import type { CouponRefusal } from './coupon-rules';

export class CouponNotFound extends NotFound {
  constructor(code: string) {
    super('coupon_not_found', `Coupon ${code} does not exist`, { code });
  }
}

export class CouponNotApplicable extends DomainError {
  constructor(code: string, reason: CouponRefusal | 'deleted') {
    super(HttpStatus.UNPROCESSABLE_ENTITY, 'coupon_not_applicable', `Coupon ${code} cannot be used: ${reason.replace('_', ' ')}`, { code, reason });
  }
}

export class CouponCodeTaken extends Conflict {
  constructor(code: string) {
    super('coupon_code_taken', `A coupon with code ${code} already exists (codes ignore case)`, { code });
  }
}

/** A coupon on the whole cart cannot have products: their links would mean nothing. */
export class CouponScopeConflict extends DomainError {
  constructor(code: string, productIds: number[]) {
    super(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'coupon_scope_conflict',
      `Coupon ${code} would apply to the whole cart and to products ${productIds.join(', ')} at once: a cart coupon has no products (detach them first, or keep appliesTo products)`,
      { code, appliesTo: 'cart', products: productIds },
    );
  }
}
