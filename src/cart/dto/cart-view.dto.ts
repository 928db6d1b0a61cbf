import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { LineStatus } from '../../products/stock-rules';

export class CartItemDto {
  @ApiProperty({ example: 1 }) pid: number;
  @ApiProperty({ example: 'Plastic chair' }) name: string;
  @ApiProperty({ example: 10, description: 'Unit price' }) price: number;
  @ApiProperty({ example: 3, description: 'Units in the cart' }) incart: number;
  @ApiProperty({ example: 12, description: 'Units in stock now' }) instock: number;
  @ApiProperty({ enum: ['ok', 'out_of_stock', 'insufficient_stock'], example: 'ok', description: 'out_of_stock: stock is 0; insufficient_stock: 0 < stock < incart. Lines not ok are left out of the totals.' })
  status: LineStatus;
  @ApiProperty({ example: 30, description: 'price x incart' }) lineTotal: number;
  @ApiProperty({ example: 6, description: "This line's share of the coupon discount (lines add up to `discount`)" }) lineDiscount: number;
}

export class CartCouponDto {
  @ApiProperty({ example: 'flat20' }) code: string;
  @ApiProperty({ example: 'Flat 20% off on plastic goods' }) name: string;
}

/**
 * A cart's or an order's coupon: CartCouponDto or null. Said with anyOf, because OpenAPI 3.0's
 * `nullable` next to a `$ref` (what `nullable: true` on a class type gives) still rejects null.
 */
export const nullableCoupon = (description: string) => ({
  anyOf: [{ $ref: getSchemaPath(CartCouponDto) }, { type: 'object' as const, nullable: true, enum: [null] }],
  description,
});

export class CouponDroppedNoticeDto {
  @ApiProperty({ enum: ['coupon_dropped'], example: 'coupon_dropped' }) code: 'coupon_dropped';
  @ApiProperty({ example: 'Coupon flat20 was removed from the cart: expired' }) message: string;
  @ApiProperty({ example: 'flat20' }) coupon: string;
  @ApiProperty({ example: 'expired', enum: ['deleted', 'inactive', 'not_started', 'expired', 'used_up'] }) reason: string;
}

export class PriceChangedNoticeDto {
  @ApiProperty({ enum: ['price_changed'], example: 'price_changed' }) code: 'price_changed';
  @ApiProperty({ example: 'The price of Plastic chair changed from 24.00 to 237.60 since the cart was last shown' }) message: string;
  @ApiProperty({ example: 1 }) pid: number;
  @ApiProperty({ example: 24, description: 'The unit price the buyer last saw' }) from: number;
  @ApiProperty({ example: 237.6, description: 'The unit price now (this view shows it, and remembers it as seen)' }) to: number;
}

export class CartTotalTooLargeNoticeDto {
  @ApiProperty({ enum: ['cart_total_too_large'], example: 'cart_total_too_large' }) code: 'cart_total_too_large';
  @ApiProperty({ example: 'The cart subtotal is above 9999999999999.99, the most one order can take: lower or remove lines to check out' }) message: string;
  @ApiProperty({ example: 9999999999999.99, description: 'The largest subtotal a cart can be checked out with' }) limit: number;
}

/** What a view changed or found; `code` says which. */
export type CartNoticeDto = CouponDroppedNoticeDto | PriceChangedNoticeDto | CartTotalTooLargeNoticeDto;

export class RemovedLineDto {
  @ApiProperty({ example: 7 }) pid: number;
  @ApiProperty({ enum: ['deleted'], example: 'deleted', description: 'The product left the catalogue; the line was dropped' })
  reason: 'deleted';
}

@ApiExtraModels(CartCouponDto, CouponDroppedNoticeDto, PriceChangedNoticeDto, CartTotalTooLargeNoticeDto)
export class CartViewDto {
  @ApiProperty({ example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' }) sid: string;
  @ApiProperty({ type: [CartItemDto] }) items: CartItemDto[];
  @ApiProperty({ type: [RemovedLineDto], description: 'Lines dropped by this view; each is reported once' }) removed: RemovedLineDto[];
  @ApiProperty(nullableCoupon('The coupon applied to the cart, or null')) coupon: CartCouponDto | null;
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [{ $ref: getSchemaPath(CouponDroppedNoticeDto) }, { $ref: getSchemaPath(PriceChangedNoticeDto) }, { $ref: getSchemaPath(CartTotalTooLargeNoticeDto) }],
      discriminator: {
        propertyName: 'code',
        mapping: {
          coupon_dropped: getSchemaPath(CouponDroppedNoticeDto),
          price_changed: getSchemaPath(PriceChangedNoticeDto),
          cart_total_too_large: getSchemaPath(CartTotalTooLargeNoticeDto),
        },
      },
    },
    description:
      'What this view changed or found: a coupon that no longer applies (taken off, named once); a unit price that moved since the buyer last saw it (named once: the view remembers the new price); a subtotal above the checkout limit (named while it lasts)',
  })
  notices: CartNoticeDto[];
  @ApiProperty({ example: 35, description: 'Sum of lineTotal over ok lines' }) subtotal: number;
  @ApiProperty({ example: 6, description: "The coupon's discount on the ok lines it covers" }) discount: number;
  @ApiProperty({ example: 29, description: 'subtotal - discount' }) total: number;
  @ApiProperty({ example: 3, description: 'Units over all lines' }) itemCount: number;
}
