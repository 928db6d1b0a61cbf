import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, Patch, PipeTransform, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AdminOnly } from '../access/access.decorators';
import { ValidationFailed } from '../common/errors/domain-error';
import { ErrorBody } from '../common/errors/error-body';
import { IdParam, IdPipe } from '../common/validation/id.pipe';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { CouponsService } from './coupons.service';
import { COUPON_CODE_PATTERN, CouponDto, CouponPageDto, CreateCouponDto, UpdateCouponDto } from './dto/coupon.dto';

@Injectable()
export class CouponCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!COUPON_CODE_PATTERN.test(value)) throw ValidationFailed.field('code', 'code must be 1-64 characters of A-Z a-z 0-9 _ -');
    return value;
  }
}

const CodeParam = () => ApiParam({ name: 'code', example: 'flat20', description: 'Matched without regard to case' });

@ApiTags('coupons')
@AdminOnly()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; `details` names the field' })
@Controller('api/coupons')
export class CouponsController {
  constructor(private readonly coupons: CouponsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a coupon' })
  @ApiCreatedResponse({ type: CouponDto })
  @ApiConflictResponse({ type: ErrorBody, description: '`coupon_code_taken`' })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`product_not_found`: a listed product does not exist' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: '`coupon_scope_conflict`: `appliesTo: cart` with products' })
  create(@Body() dto: CreateCouponDto): Promise<CouponDto> {
    return this.coupons.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List coupons, oldest first' })
  @ApiOkResponse({ type: CouponPageDto })
  list(@Query() page: PageQueryDto): Promise<CouponPageDto> {
    return this.coupons.list(page.limit, page.offset);
  }

  @Get(':code')
  @ApiOperation({ summary: 'Read a coupon (the code in any case)' })
  @CodeParam()
  @ApiOkResponse({ type: CouponDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`coupon_not_found`' })
  get(@Param('code', CouponCodePipe) code: string): Promise<CouponDto> {
    return this.coupons.get(code);
  }

  @Patch(':code')
  @CodeParam()
  @ApiOperation({ summary: 'Change any field but the code and products (appliesTo included); null clears startsAt, expiresAt, maxRedemptions' })
  @ApiOkResponse({ type: CouponDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`coupon_not_found`' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: '`coupon_scope_conflict`: `appliesTo: cart` while products are attached (detach them first)' })
  update(@Param('code', CouponCodePipe) code: string, @Body() dto: UpdateCouponDto): Promise<CouponDto> {
    return this.coupons.update(code, dto);
  }

  @Delete(':code')
  @ApiOperation({ summary: 'Delete a coupon; carts holding it drop it at their next view' })
  @HttpCode(204)
  @CodeParam()
  @ApiNoContentResponse({ description: 'Deleted; carts holding it drop it at their next view' })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`coupon_not_found`' })
  async delete(@Param('code', CouponCodePipe) code: string): Promise<void> {
    await this.coupons.delete(code);
  }

  @Put(':code/products/:pid')
  @IdParam('pid', 'Product id')
  @CodeParam()
  @ApiOperation({ summary: 'Attach a product (idempotent)' })
  @ApiOkResponse({ type: CouponDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`coupon_not_found` or `product_not_found`' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: '`coupon_scope_conflict`: the coupon applies to the whole cart' })
  attach(@Param('code', CouponCodePipe) code: string, @Param('pid', IdPipe) pid: number): Promise<CouponDto> {
    return this.coupons.attachProduct(code, pid);
  }

  @Delete(':code/products/:pid')
  @IdParam('pid', 'Product id')
  @CodeParam()
  @ApiOperation({ summary: 'Detach a product (idempotent); a products coupon left with none covers nothing' })
  @ApiOkResponse({ type: CouponDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: '`coupon_not_found`' })
  detach(@Param('code', CouponCodePipe) code: string, @Param('pid', IdPipe) pid: number): Promise<CouponDto> {
    return this.coupons.detachProduct(code, pid);
  }
}
