import { Body, Controller, createParamDecorator, ExecutionContext, Get, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminOnly, Caller, LoggedIn, Shopper } from '../access/access.decorators';
import type { Authenticated } from '../access/tokens.service';
import { cartOf } from '../cart/cart-ref';
import { ValidationFailed } from '../common/errors/domain-error';
import { ErrorBody } from '../common/errors/error-body';
import { toCents } from '../common/money';
import { SidPipe } from '../common/validation/sid.pipe';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { CheckoutService } from './checkout.service';
import { CheckoutDto } from './dto/checkout.dto';
import { OrderDto, OrderPageDto } from './dto/order.dto';
import { OrdersService } from './orders.service';
import { RateLimit } from '../rate-limit/rate-limit.module';
import { noteBody } from '../observability/request-context';

/** The optional Idempotency-Key header: 1-128 printable ASCII characters, else 400. */
export const IdempotencyKey = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x20-\x7e]{1,128}$/.test(value)) {
    throw ValidationFailed.field('Idempotency-Key', 'Idempotency-Key must be 1-128 printable characters');
  }
  return value;
});

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => ValidationFailed.field('id', 'id must be a UUID') });

@ApiTags('orders')
@Controller('api')
export class OrdersController {
  constructor(
    private readonly checkouts: CheckoutService,
    private readonly orders: OrdersService,
  ) {}

  @Post('carts/:sid/checkout')
  @RateLimit()
  @Shopper()
  @ApiOperation({
    summary: 'Place an order from the cart, in one transaction; the cart is cleared after',
    description:
      "Refusals change nothing: no stock taken, the cart kept. Send `expectedTotal`, the cart view's `total` the buyer saw: if the order would cost anything else (a price moved, a coupon changed), it is refused with 409 `total_changed` and the current view. With an Idempotency-Key, the same key again returns the same order (200) without moving stock again; the same key with a different cart is refused (422).",
  })
  @ApiParam({ name: 'sid', example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-128 printable characters; unique per intended order', example: 'order-7f3c2f7d' })
  @ApiBody({ type: CheckoutDto, required: false })
  @ApiCreatedResponse({ type: OrderDto, description: 'The order placed' })
  @ApiOkResponse({ type: OrderDto, description: 'The order an earlier request with the same Idempotency-Key placed' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid sid, Idempotency-Key or expectedTotal' })
  @ApiConflictResponse({
    type: ErrorBody,
    description:
      '`cart_empty`; `cart_not_purchasable` (details.lines: pid, incart, instock, status); `checkout_in_progress`; `total_changed`: the order would not cost `expectedTotal` (details: the cart view now, its `notices` naming each price that moved; nothing charged)',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description:
      '`coupon_not_applicable` (expired, used up, deactivated or deleted at this moment); `cart_total_too_large`: the subtotal is above 9,999,999,999,999.99 (details.limit); `idempotency_key_reused`: the key placed an order for a different cart',
  })
  async checkout(
    @Param('sid', SidPipe) sid: string,
    @Caller() caller: Authenticated | null,
    @IdempotencyKey() key: string | undefined,
    @Body() body: CheckoutDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<OrderDto> {
    const expectedTotalCents = body.expectedTotal === undefined ? undefined : toCents(body.expectedTotal);
    const { order, replayed } = await this.checkouts.checkout(cartOf(sid, caller), { idempotencyKey: key, expectedTotalCents });
    res.status(replayed ? HttpStatus.OK : HttpStatus.CREATED);
    // the coupon-redemption metric reads the order (noted here: an interceptor's rxjs pipeline cost
    // more than the rest of the controller)
    noteBody(res, order);
    return order;
  }

  @Get('orders/:id')
  @AdminOnly()
  @ApiOperation({ summary: 'Read an order' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid', example: '5b0c3f0e-8a57-4c1e-9a51-7f3c2f7d8a10' } })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'id is not a UUID' })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`order_not_found`' })
  get(@Param('id', uuidPipe) id: string): Promise<OrderDto> {
    return this.orders.get(id);
  }

  @Get('me/orders')
  @LoggedIn()
  @ApiOperation({ summary: "The logged-in user's own orders, newest first" })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid limit or offset' })
  myOrders(@Caller() caller: Authenticated, @Query() page: PageQueryDto): Promise<OrderPageDto> {
    return this.orders.list(page.limit, page.offset, caller.user.id);
  }

  @Get('orders')
  @AdminOnly()
  @ApiOperation({ summary: 'Orders, newest first' })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid limit or offset' })
  list(@Query() page: PageQueryDto): Promise<OrderPageDto> {
    return this.orders.list(page.limit, page.offset);
  }
}
