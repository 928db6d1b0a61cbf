import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape every route answers with. */
export class ErrorBody {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'product_not_found', description: 'Machine-readable error code' })
  code: string;

  @ApiProperty({ example: 'Product 42 does not exist' })
  message: string;

  @ApiPropertyOptional({ description: 'Structured detail, e.g. the fields that failed validation', example: [{ field: 'price', message: 'price must be a number with at most 2 decimals' }] })
  details?: unknown;
}
