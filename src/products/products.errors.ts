import { NotFound } from '../common/errors/domain-error';

export class ProductNotFound extends NotFound {
  constructor(id: number) {
    super('product_not_found', `Product ${id} does not exist`, { pid: id });
  }
}
