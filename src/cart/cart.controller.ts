import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { AnswersCartView } from './dto/cart-view.schema';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Caller, Shopper } from '../access/access.decorators';
import type { Authenticated } from '../access/tokens.service';
import { ErrorBody } from '../common/errors/error-body';
import { ApplyCouponDto } from '../coupons/dto/coupon.dto';
import { IdParam, IdPipe } from '../common/validation/id.pipe';
import { SidPipe } from '../common/validation/sid.pipe';
import { cartOf } from './cart-ref';
import { CartService } from './cart.service';
import { AddCartItemDto, SetCartItemDto } from './dto/cart-item.dto';
import { CartViewDto } from './dto/cart-view.dto';
import { RateLimit } from '../rate-limit/rate-limit.module';

const SidParam = () => ApiParam({ name: 'sid', description: 'Cart session id: 1-128 characters of A-Z a-z 0-9 . _ ~ -', example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' });

@ApiTags('carts')
@Shopper()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid sid, pid or quantity; `details` names the field' })
@Controller('api/carts/:sid')
export class CartController {
  constructor(private readonly carts: CartService) {}

  @AnswersCartView()
  @Get()
  @SidParam()
  @ApiOperation({ summary: 'View a cart, reconciled with the live catalogue (an unknown sid is an empty cart)' })
  @ApiOkResponse({ type: CartViewDto })
  view(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null): Promise<CartViewDto> {
    return this.carts.view(cartOf(sid, caller));
  }

  @AnswersCartView()
  @Post('items')
  @RateLimit()
  @HttpCode(200)
  @SidParam()
  @ApiOperation({ summary: 'Add units of a product (default 1)' })
  @ApiOkResponse({ type: CartViewDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  @ApiConflictResponse({ type: ErrorBody, description: '`out_of_stock` (with `instock`; the cart is unchanged) or `cart_full`' })
  add(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null, @Body() dto: AddCartItemDto): Promise<CartViewDto> {
    return this.carts.addItem(cartOf(sid, caller), dto.pid, dto.quantity);
  }

  @AnswersCartView()
  @Put('items/:pid')
  @IdParam('pid', 'Product id')
  @RateLimit()
  @SidParam()
  @ApiOperation({ summary: 'Set the quantity of a line (0 removes it)' })
  @ApiOkResponse({ type: CartViewDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`' })
  @ApiConflictResponse({ type: ErrorBody, description: '`out_of_stock` (with `instock`; the cart is unchanged) or `cart_full`' })
  set(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null, @Param('pid', IdPipe) pid: number, @Body() dto: SetCartItemDto): Promise<CartViewDto> {
    return this.carts.setItem(cartOf(sid, caller), pid, dto.quantity);
  }

  @AnswersCartView()
  @Delete('items/:pid')
  @IdParam('pid', 'Product id')
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`: the pid is neither in the cart nor in the catalogue' })
  @RateLimit()
  @SidParam()
  @ApiOperation({ summary: 'Remove a line' })
  @ApiOkResponse({ type: CartViewDto })
  remove(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null, @Param('pid', IdPipe) pid: number): Promise<CartViewDto> {
    return this.carts.removeItem(cartOf(sid, caller), pid);
  }

  @AnswersCartView()
  @Post('coupon')
  @RateLimit()
  @HttpCode(200)
  @SidParam()
  @ApiOperation({ summary: 'Apply a coupon (one per cart; replaces any other)' })
  @ApiOkResponse({ type: CartViewDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`coupon_not_found`' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: '`coupon_not_applicable`; `details.reason` is inactive, not_started, expired or used_up' })
  applyCoupon(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null, @Body() dto: ApplyCouponDto): Promise<CartViewDto> {
    return this.carts.applyCoupon(cartOf(sid, caller), dto.code);
  }

  @AnswersCartView()
  @Delete('coupon')
  @RateLimit()
  @SidParam()
  @ApiOperation({ summary: 'Take the coupon off the cart' })
  @ApiOkResponse({ type: CartViewDto })
  removeCoupon(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null): Promise<CartViewDto> {
    return this.carts.removeCoupon(cartOf(sid, caller));
  }

  @Delete()
  @RateLimit()
  @HttpCode(204)
  @SidParam()
  @ApiOperation({ summary: 'Empty the cart' })
  @ApiNoContentResponse({ description: 'The cart is empty' })
  async clear(@Param('sid', SidPipe) sid: string, @Caller() caller: Authenticated | null): Promise<void> {
    await this.carts.clear(cartOf(sid, caller));
  }
}
