import { ApiProperty } from '@nestjs/swagger';

export type LineStatus = 'ok' | 'out_of_stock' | 'insufficient_stock';

export class CartItemDto {
  @ApiProperty({ example: 1 }) pid: number;
  @ApiProperty({ example: 'Plastic chair' }) name: string;
  @ApiProperty({ example: 10, description: 'Unit price' }) price: number;
  @ApiProperty({ example: 3, description: 'Units in the cart' }) incart: number;
  @ApiProperty({ example: 12, description: 'Units in stock now' }) instock: number;
  @ApiProperty({ enum: ['ok', 'out_of_stock', 'insufficient_stock'], example: 'ok', description: 'out_of_stock: stock is 0; insufficient_stock: 0 < stock < incart. Lines not ok are left out of the totals.' })
  status: LineStatus;
  @ApiProperty({ example: 30, description: 'price x incart' }) lineTotal: number;
}

export class RemovedLineDto {
  @ApiProperty({ example: 7 }) pid: number;
  @ApiProperty({ enum: ['deleted'], example: 'deleted', description: 'The product left the catalogue; the line was dropped' })
  reason: 'deleted';
}

export class CartViewDto {
  @ApiProperty({ example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' }) sid: string;
  @ApiProperty({ type: [CartItemDto] }) items: CartItemDto[];
  @ApiProperty({ type: [RemovedLineDto], description: 'Lines dropped by this view; each is reported once' }) removed: RemovedLineDto[];
  @ApiProperty({ example: 30, description: 'Sum of lineTotal over ok lines' }) subtotal: number;
  @ApiProperty({ example: 0 }) discount: number;
  @ApiProperty({ example: 30, description: 'subtotal - discount' }) total: number;
  @ApiProperty({ example: 3, description: 'Units over all lines' }) itemCount: number;
}
