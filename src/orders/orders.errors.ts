import { HttpStatus } from '@nestjs/common';
import { Conflict, DomainError, NotFound } from '../common/errors/domain-error';

export class CartEmpty extends Conflict {
  constructor(sid: string) {
    super('cart_empty', `Cart ${sid} is empty`);
  }
}

export interface UnpurchasableLine {
  pid: number;
  incart: number;
  instock: number;
  status: 'out_of_stock' | 'insufficient_stock' | 'deleted';
}

export class CartNotPurchasable extends Conflict {
  constructor(lines: UnpurchasableLine[]) {
    super('cart_not_purchasable', `${lines.length} line(s) cannot be bought at the current stock; nothing was charged`, { lines });
  }
}

export class CheckoutInProgress extends Conflict {
  constructor() {
    super('checkout_in_progress', 'Another checkout of this cart is still running; try again in a moment');
  }
}

export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super(HttpStatus.UNPROCESSABLE_ENTITY, 'idempotency_key_reused', 'This Idempotency-Key was used for a different cart');
  }
}

export class OrderNotFound extends NotFound {
  constructor(id: string) {
    super('order_not_found', `Order ${id} does not exist`, { id });
  }
}
