import { Conflict } from '../common/errors/domain-error';
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
