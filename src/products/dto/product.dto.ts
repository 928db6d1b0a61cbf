import { ApiProperty } from '@nestjs/swagger';
import { PartialType } from '@nestjs/swagger';
import { Money, ProductName, Quantity } from '../../common/validation/decorators';

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
