import { ProductId, Quantity } from '../../common/validation/decorators';

export class AddCartItemDto {
  @ProductId()
  pid: number;

  @Quantity({ min: 1, optional: true, default: 1, description: 'Units to add (default 1)' })
  quantity: number = 1;
}

export class SetCartItemDto {
  @Quantity({ min: 0, description: 'Units wanted; 0 removes the line' })
  quantity: number;
}
