import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { AnswersCartView } from '../cart/dto/cart-view.schema';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Caller, Shopper } from '../access/access.decorators';
import type { Authenticated } from '../access/tokens.service';
import { cartOf } from '../cart/cart-ref';
import { CartService } from '../cart/cart.service';
import { CartViewDto } from '../cart/dto/cart-view.dto';
import { ErrorBody } from '../common/errors/error-body';
import { ValidationFailed } from '../common/errors/domain-error';
import { SidPipe } from '../common/validation/sid.pipe';
import { CreateProductDto, ProductDto } from '../products/dto/product.dto';
import { ProductsService } from '../products/products.service';
import { LegacyDeleteProductDto, LegacyUpdateProductDto, parseCartChange, UpdateCartDto } from './legacy.dto';
import { RateLimit } from '../rate-limit/rate-limit.module';

/** The original clients send forms as often as JSON: both are read (numbers arrive as strings in a form). */
const JsonOrForm = () => ApiConsumes('application/json', 'application/x-www-form-urlencoded');

/**
 * The original shop's REST contract, kept exactly for its existing clients: a thin layer over the
 * same services as the resource routes.
 */
@ApiTags('original')
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; `details` names the field' })
@Controller('api')
export class LegacyController {
  constructor(
    private readonly products: ProductsService,
    private readonly carts: CartService,
  ) {}

  @Post('crudproducts')
  @AdminOnly()
  @JsonOrForm()
  @ApiOperation({ summary: 'Create a product' })
  @ApiCreatedResponse({ type: ProductDto })
  createProduct(@Body() dto: CreateProductDto): Promise<ProductDto> {
    return this.products.create(dto);
  }

  @Put('crudproducts')
  @AdminOnly()
  @JsonOrForm()
  @ApiOperation({ summary: 'Update a product: id, and any of name, price, quantity' })
  @ApiOkResponse({ type: ProductDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  updateProduct(@Body() dto: LegacyUpdateProductDto): Promise<ProductDto> {
    const { id, ...changes } = dto;
    return this.products.update(id, changes);
  }

  @Delete('crudproducts')
  @AdminOnly()
  @JsonOrForm()
  @ApiOperation({ summary: 'Delete a product: id in the body or the query' })
  @ApiQuery({ name: 'id', required: false, schema: { type: 'integer', minimum: 1, example: 1 }, description: 'When the body has no id' })
  @ApiOkResponse({ type: ProductDto, description: 'The deleted product' })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  deleteProduct(@Body() body: LegacyDeleteProductDto, @Query() query: LegacyDeleteProductDto): Promise<ProductDto> {
    const id = body.id ?? query.id;
    if (id === undefined) throw ValidationFailed.field('id', 'id is required (body or query)');
    return this.products.delete(id);
  }

  @AnswersCartView()
  @Post('updatecart')
  @RateLimit()
  @Shopper()
  @JsonOrForm()
  @HttpCode(200)
  @ApiOperation({ summary: "Change a cart line: v missing or '' adds 1, 'delete' or 0 removes, N sets the quantity" })
  @ApiOkResponse({ type: CartViewDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  @ApiConflictResponse({ type: ErrorBody, description: '`out_of_stock` with `instock`; the cart is unchanged' })
  updateCart(@Body() dto: UpdateCartDto, @Caller() caller: Authenticated | null): Promise<CartViewDto> {
    const change = parseCartChange(dto.v);
    const cart = cartOf(dto.sid, caller);
    switch (change.kind) {
      case 'increment':
        return this.carts.addItem(cart, dto.pid, 1);
      case 'remove':
        return this.carts.removeItem(cart, dto.pid);
      case 'set':
        return this.carts.setItem(cart, dto.pid, change.quantity);
    }
  }

  @AnswersCartView()
  @Get('viewcart/:sid')
  @Shopper()
  @ApiOperation({ summary: 'View a cart (an unknown sid is an empty cart)' })
  @ApiParam({ name: 'sid', description: 'Cart session id: 1-128 characters of A-Z a-z 0-9 . _ ~ -', example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' })
  @ApiOkResponse({ type: CartViewDto })
  viewCart(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null): Promise<CartViewDto> {
    return this.carts.view(cartOf(sid, caller));
  }

  @AnswersCartView()
  @Get('viewcart')
  @Shopper()
  @ApiOperation({ summary: 'View a cart, sid in the query' })
  @ApiQuery({ name: 'sid', required: true, description: 'Cart session id: 1-128 characters of A-Z a-z 0-9 . _ ~ -', example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' })
  @ApiOkResponse({ type: CartViewDto })
  viewCartByQuery(@Query('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null): Promise<CartViewDto> {
    return this.carts.view(cartOf(sid, caller));
  }
}
