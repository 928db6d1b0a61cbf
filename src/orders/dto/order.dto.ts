import { ApiProperty } from '@nestjs/swagger';
import { CartCouponDto, nullableCoupon } from '../../cart/dto/cart-view.dto';

export class OrderItemDto {
  @ApiProperty({ example: 1 }) pid: number;
  @ApiProperty({ example: 'Plastic chair', description: 'Name at the time of the order' }) name: string;
  @ApiProperty({ example: 10, description: 'Unit price at the time of the order' }) price: number;
  @ApiProperty({ example: 3 }) quantity: number;
  @ApiProperty({ example: 6 }) lineDiscount: number;
  @ApiProperty({ example: 30, description: 'price x quantity' }) lineTotal: number;
}

export class OrderDto {
  @ApiProperty({ example: '5b0c3f0e-8a57-4c1e-9a51-7f3c2f7d8a10', format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['placed'], example: 'placed' }) status: 'placed';
  @ApiProperty({ example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' }) sid: string;
  @ApiProperty({ type: [OrderItemDto] }) items: OrderItemDto[];
  @ApiProperty({ example: 35 }) subtotal: number;
  @ApiProperty({ example: 6 }) discount: number;
  @ApiProperty({ example: 29 }) total: number;
  @ApiProperty(nullableCoupon('The coupon that took something off this order (one redemption), or null')) coupon: CartCouponDto | null;
  @ApiProperty({ example: '2026-11-25T12:00:00.000Z' }) createdAt: string;
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] }) items: OrderDto[];
  @ApiProperty({ example: 1 }) total: number;
}
