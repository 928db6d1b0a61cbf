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
