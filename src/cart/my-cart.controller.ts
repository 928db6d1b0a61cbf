import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AnswersCartView } from './dto/cart-view.schema';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, LoggedIn } from '../access/access.decorators';
import type { Authenticated } from '../access/tokens.service';
import { ErrorBody } from '../common/errors/error-body';
import { CartService } from './cart.service';
import { CartViewDto } from './dto/cart-view.dto';
import { MergeCartDto } from './dto/session.dto';
import { RateLimit } from '../rate-limit/rate-limit.module';

/** The logged-in user's own cart, beyond what the cart routes do with a Bearer token. */
@ApiTags('carts')
@LoggedIn()
@Controller('api/me/cart')
export class MyCartController {
  constructor(private readonly carts: CartService) {}

  @AnswersCartView()
  @Post('merge')
  @RateLimit()
  @HttpCode(200)
  @ApiOperation({
    summary: "Merge an anonymous cart into the user's cart, then empty it",
    description:
      "Call it after a login with the sid of the cart this client held while anonymous. Quantities add up per product, clamped to the stock (the user's line is never lowered); the user's coupon wins. Repeating it changes nothing and returns the view.",
  })
  @ApiOkResponse({ type: CartViewDto, description: "The user's cart after the merge" })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid sid' })
  merge(@Caller() caller: Authenticated, @Body() dto: MergeCartDto): Promise<CartViewDto> {
    return this.carts.mergeIntoUser(dto.sid, caller.user.id);
  }
}
