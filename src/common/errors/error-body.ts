import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** One field that failed validation (`details` of `validation_failed`). */
export class FieldProblemBody {
  @ApiProperty({ example: 'price', description: 'The field, path or query parameter, or header' })
  field: string;

  @ApiProperty({ example: 'price must be a number with at most 2 decimals' })
  message: string;
}

/** The one error shape every route answers with. */
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'product_not_found', description: 'Machine-readable error code' })
  code: string;

  @ApiProperty({ example: 'Product 42 does not exist' })
  message: string;

  @ApiPropertyOptional({
    description:
      'Structured detail, as the code says: `validation_failed` sends the fields that failed (an array); others an object, e.g. `{pid}` for `product_not_found`, `{pid, instock, incart, requested}` for `out_of_stock`, `{lines}` for `cart_not_purchasable`, `{reason}` for `coupon_not_applicable`',
    oneOf: [{ type: 'array', items: { $ref: getSchemaPath(FieldProblemBody) } }, { type: 'object', additionalProperties: true }],
    example: [{ field: 'price', message: 'price must be a number with at most 2 decimals' }],
  })
  details?: unknown;

  @ApiPropertyOptional({ type: 'integer', example: 4, description: '`out_of_stock` only, for the original clients: the units in stock' })
  instock?: number;

  @ApiPropertyOptional({ example: '3f1c0c64-5d0e-4c8e-9b6a-1f2e3d4c5b6a', description: 'The request id (the X-Request-Id header): quote it when reporting a problem' })
  requestId?: string;
}
