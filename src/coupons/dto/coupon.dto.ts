import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { HasDecimals, Instant, Money, ProductName } from '../../common/validation/decorators';
import { COUPON_SCOPES, type CouponScope } from '../pricing';

export const COUPON_CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Present means validated; absent (undefined) is left out; `null` is allowed where `nullable`. */
const optional = (nullable = false) => ValidateIf((_o: object, v: unknown) => v !== undefined && !(nullable && v === null));

export class CreateCouponDto {
  @ApiProperty({ example: 'flat20', pattern: COUPON_CODE_PATTERN.source, description: 'Unique without regard to case' })
  @IsString()
  @Matches(COUPON_CODE_PATTERN, { message: 'code must be 1-64 characters of A-Z a-z 0-9 _ -' })
  code: string;

  @ProductName({ example: 'Flat 20% off on plastic goods' })
  name: string;

  @ApiPropertyOptional({ example: 0.8, default: 1, minimum: 0, exclusiveMinimum: true, maximum: 1, description: 'Share of the price kept: 0.8 = 20% off; up to 4 decimals' })
  @optional()
  @HasDecimals(4, 'multiplier must be a number with at most 4 decimals')
  @Min(0.0001, { message: 'multiplier must be greater than 0' })
  @Max(1)
  multiplier?: number;

  @Money({ optional: true, example: 0, description: 'Cap on the discount; 0 = no cap' })
  upto?: number;

  @Money({ optional: true, example: 0, description: 'Flat amount off' })
  flatoff?: number;

  @Instant({ example: '2026-12-01T00:00:00Z' })
  startsAt?: Date | null;

  @Instant({ example: '2027-01-01T00:00:00Z' })
  expiresAt?: Date | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, example: 100, description: 'null: unlimited' })
  @optional(true)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  maxRedemptions?: number | null;

  @ApiPropertyOptional({ default: true })
  @optional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    enum: COUPON_SCOPES,
    default: 'products',
    example: 'products',
    description: '`cart`: every line of the cart (the coupon can have no products); `products`: only the lines of its products (none: nothing)',
  })
  @optional()
  @IsIn(COUPON_SCOPES, { message: `appliesTo must be one of: ${COUPON_SCOPES.join(', ')}` })
  appliesTo?: CouponScope;

  @ApiPropertyOptional({ type: [Number], example: [1], description: "Product ids it applies to (only with appliesTo `products`); none: it covers nothing until one is attached" })
  @optional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  products?: number[];
}

/** Every field but the code (the coupon's handle) and its products (attach/detach routes); `appliesTo` may change. */
export class UpdateCouponDto extends PartialType(OmitType(CreateCouponDto, ['code', 'products'] as const), { skipNullProperties: false }) {}

export class ApplyCouponDto {
  @ApiProperty({ example: 'flat20', pattern: COUPON_CODE_PATTERN.source })
  @IsString()
  @Matches(COUPON_CODE_PATTERN, { message: 'code must be 1-64 characters of A-Z a-z 0-9 _ -' })
  code: string;
}

export class CouponDto {
  @ApiProperty({ example: 'flat20' }) code: string;
  @ApiProperty({ example: 'Flat 20% off on plastic goods' }) name: string;
  @ApiProperty({ example: 0.8 }) multiplier: number;
  @ApiProperty({ example: 0 }) upto: number;
  @ApiProperty({ example: 0 }) flatoff: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) startsAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) expiresAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true, example: null }) maxRedemptions: number | null;
  @ApiProperty({ example: 0, description: 'Placed orders that used it' }) redemptions: number;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ enum: COUPON_SCOPES, example: 'products', description: '`cart`: every line; `products`: only the lines of `products`' }) appliesTo: CouponScope;
  @ApiProperty({ type: [Number], example: [1] }) products: number[];
  @ApiProperty({ example: '2026-11-25T12:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T12:00:00.000Z' }) updatedAt: string;
}

export class CouponPageDto {
  @ApiProperty({ type: [CouponDto] }) items: CouponDto[];
  @ApiProperty({ example: 1 }) total: number;
}
