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

  @ApiPropertyOptional({ example: '3f1c0c64-5d0e-4c8e-9b6a-1f2e3d4c5b6a', description: 'The request id (the X-Request-Id header): quote it when reporting a problem' })
  requestId?: string;
}
