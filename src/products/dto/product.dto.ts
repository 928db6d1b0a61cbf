import { ApiProperty } from '@nestjs/swagger';
import { PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Money, ProductId, ProductName, Quantity } from '../../common/validation/decorators';

export class CreateProductDto {
  @ProductName()
  name: string;

  @Money()
  price: number;

  @Quantity({ description: 'Units in stock' })
  quantity: number;
}

/** Every field optional; a field sent as null is still refused. */
export class UpdateProductDto extends PartialType(CreateProductDto, { skipNullProperties: false }) {}

/** Original contract: PUT /api/crudproducts carries the id in the body. */
export class LegacyUpdateProductDto extends UpdateProductDto {
  @ProductId()
  id: number;
}

/** Original contract: DELETE /api/crudproducts {id} or ?id= */
export class LegacyDeleteProductDto {
  @ProductId({ optional: true })
  id?: number;
}

export class PageQueryDto {
  @ApiProperty({ required: false, default: 20, minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 20;

  @ApiProperty({ required: false, default: 0, minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000_000)
  offset: number = 0;
}

export class ProductDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'Plastic chair' }) name: string;
  @ApiProperty({ example: 19.99, description: 'Unit price, decimal with 2 places' }) price: number;
  @ApiProperty({ example: 12, description: 'Units in stock' }) quantity: number;
  @ApiProperty({ example: '2026-11-25T12:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T12:00:00.000Z' }) updatedAt: string;
}

export class ProductPageDto {
  @ApiProperty({ type: [ProductDto] }) items: ProductDto[];
  @ApiProperty({ example: 42 }) total: number;
}
