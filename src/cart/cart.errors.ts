import { HttpStatus } from '@nestjs/common';
import { Conflict, DomainError } from '../common/errors/domain-error';
import { fromCents, MAX_TOTAL, MAX_TOTAL_CENTS } from '../common/money';
import { MAX_CART_LINES } from './cart.repository';

export class OutOfStock extends Conflict {
  constructor(pid: number, instock: number, incart: number, requested: number) {
    super(
      'out_of_stock',
      `Only ${instock} unit(s) of product ${pid} in stock; ${requested} requested`,
      { pid, instock, incart, requested },
      { instock },
    );
  }
}

export class CartFull extends Conflict {
  constructor() {
    super('cart_full', `A cart holds at most ${MAX_CART_LINES} different products`);
  }
}

/**
 * A cart whose subtotal would be (or is, at checkout) above MAX_TOTAL: beyond it amounts stop being
 * exact as JSON numbers. Nothing changed, nothing was charged.
 */
export class CartTotalTooLarge extends DomainError {
  constructor(pid?: number) {
    super(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'cart_total_too_large',
      pid === undefined
        ? `The cart subtotal is above ${fromCents(MAX_TOTAL_CENTS).toFixed(2)}, the most one order can take; nothing was charged: lower or remove lines`
        : `Adding product ${pid} would take the cart subtotal above ${fromCents(MAX_TOTAL_CENTS).toFixed(2)}, the most one order can take; the cart is unchanged`,
      pid === undefined ? { limit: MAX_TOTAL } : { limit: MAX_TOTAL, pid },
    );
  }
}
