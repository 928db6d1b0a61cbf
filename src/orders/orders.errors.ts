import { HttpStatus } from '@nestjs/common';
import type { CartViewDto } from '../cart/dto/cart-view.dto';
import { Conflict, DomainError, NotFound } from '../common/errors/domain-error';
import { fromCents, type Cents } from '../common/money';

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

/** The checkout would charge another total than the one the buyer expected; `details` is the cart view now. */
export class TotalChanged extends Conflict {
  constructor(expectedCents: Cents, view: CartViewDto) {
    super(
      'total_changed',
      `The total is now ${view.total.toFixed(2)}, not the ${fromCents(expectedCents).toFixed(2)} expected; nothing was charged. Show the buyer the cart (details) and check out again with its total`,
      view,
    );
  }
}
