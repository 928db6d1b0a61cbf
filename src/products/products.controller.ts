import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../access/access.decorators';
import { ErrorBody } from '../common/errors/error-body';
import { IdParam, IdPipe } from '../common/validation/id.pipe';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { CreateProductDto, ProductDto, ProductPageDto, UpdateProductDto } from './dto/product.dto';
import { ProductsService } from './products.service';

@ApiTags('products')
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; `details` names the fields' })
@Controller('api/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({ summary: 'List products, by id' })
  @ApiOkResponse({ type: ProductPageDto })
  list(@Query() page: PageQueryDto): Promise<ProductPageDto> {
    return this.products.list(page.limit, page.offset);
  }

  @Get(':id')
  @IdParam('id', 'Product id')
  @ApiOperation({ summary: 'Read a product' })
  @ApiOkResponse({ type: ProductDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  get(@Param('id', IdPipe) id: number): Promise<ProductDto> {
    return this.products.get(id);
  }

  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Create a product' })
  @ApiCreatedResponse({ type: ProductDto })
  create(@Body() dto: CreateProductDto): Promise<ProductDto> {
    return this.products.create(dto);
  }

  @Patch(':id')
  @IdParam('id', 'Product id')
  @AdminOnly()
  @ApiOperation({ summary: 'Change any of name, price, quantity' })
  @ApiOkResponse({ type: ProductDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateProductDto): Promise<ProductDto> {
    return this.products.update(id, dto);
  }

  @Delete(':id')
  @IdParam('id', 'Product id')
  @AdminOnly()
  @ApiOperation({ summary: 'Delete a product (its orders keep their snapshot)' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  async delete(@Param('id', IdPipe) id: number): Promise<void> {
    await this.products.delete(id);
  }
}
