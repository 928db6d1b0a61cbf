import { Injectable } from '@nestjs/common';
import { ValidationFailed } from '../common/errors/domain-error';
import { fromCents, toCents } from '../common/money';
import { ProductNotFound } from '../products/products.errors';
import { CouponCodeTaken, CouponNotFound, CouponScopeConflict } from './coupon.errors';
import { CouponFields, CouponsRepository, CouponWithProducts } from './coupons.repository';
import { CouponDto, CouponPageDto, CreateCouponDto, UpdateCouponDto } from './dto/coupon.dto';

export function toCouponDto(c: CouponWithProducts): CouponDto {
  return {
    code: c.code,
    name: c.name,
    multiplier: c.multiplierBp / 10_000,
    upto: fromCents(c.uptoCents),
    flatoff: fromCents(c.flatoffCents),
    startsAt: c.startsAt?.toISOString() ?? null,
    expiresAt: c.expiresAt?.toISOString() ?? null,
    maxRedemptions: c.maxRedemptions,
    redemptions: c.redemptions,
    active: c.active,
    appliesTo: c.appliesTo,
    products: c.productIds,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function toFields(dto: UpdateCouponDto): Partial<CouponFields> {
  const fields: Partial<CouponFields> = {};
  if (dto.name !== undefined) fields.name = dto.name;
  if (dto.multiplier !== undefined) fields.multiplierBp = Math.round(dto.multiplier * 10_000);
  if (dto.upto !== undefined) fields.uptoCents = toCents(dto.upto);
  if (dto.flatoff !== undefined) fields.flatoffCents = toCents(dto.flatoff);
  if (dto.startsAt !== undefined) fields.startsAt = dto.startsAt;
  if (dto.expiresAt !== undefined) fields.expiresAt = dto.expiresAt;
  if (dto.maxRedemptions !== undefined) fields.maxRedemptions = dto.maxRedemptions;
  if (dto.active !== undefined) fields.active = dto.active;
  if (dto.appliesTo !== undefined) fields.appliesTo = dto.appliesTo;
  return fields;
}

function ensureWindow(startsAt: Date | null | undefined, expiresAt: Date | null | undefined): void {
  if (startsAt && expiresAt && startsAt >= expiresAt) throw ValidationFailed.field('expiresAt', 'expiresAt must be after startsAt');
}

/** The admin side of coupons: create, read, change, delete, attach to products. */
@Injectable()
export class CouponsService {
  constructor(private readonly coupons: CouponsRepository) {}

  async get(code: string): Promise<CouponDto> {
    return toCouponDto(await this.require(code));
  }

  async list(limit: number, offset: number): Promise<CouponPageDto> {
    const [items, total] = await this.coupons.findPage(limit, offset);
    return { items: items.map(toCouponDto), total };
  }

  async create(dto: CreateCouponDto): Promise<CouponDto> {
    ensureWindow(dto.startsAt, dto.expiresAt);
    if (dto.appliesTo === 'cart' && dto.products?.length) throw new CouponScopeConflict(dto.code, dto.products);
    const fields: CouponFields = {
      code: dto.code,
      name: dto.name,
      multiplierBp: 10_000,
      uptoCents: 0,
      flatoffCents: 0,
      startsAt: null,
      expiresAt: null,
      maxRedemptions: null,
      active: true,
      appliesTo: 'products',
      ...toFields(dto),
    };
    const outcome = await this.coupons.create(fields, dto.products ?? []);
    if ('created' in outcome) return toCouponDto(outcome.created);
    if (outcome.conflict === 'code_taken') throw new CouponCodeTaken(dto.code);
    throw new ProductNotFound(outcome.pid);
  }

  async update(code: string, dto: UpdateCouponDto): Promise<CouponDto> {
    const current = await this.require(code);
    const fields = toFields(dto);
    ensureWindow(fields.startsAt === undefined ? current.startsAt : fields.startsAt, fields.expiresAt === undefined ? current.expiresAt : fields.expiresAt);
    const outcome = await this.coupons.update(current.code, fields);
    if (!outcome) throw new CouponNotFound(code);
    if ('conflict' in outcome) throw new CouponScopeConflict(current.code, outcome.productIds);
    return toCouponDto(outcome.updated);
  }

  async delete(code: string): Promise<void> {
    if (!(await this.coupons.delete(code))) throw new CouponNotFound(code);
  }

  async attachProduct(code: string, pid: number): Promise<CouponDto> {
    const coupon = await this.require(code);
    const outcome = await this.coupons.attachProduct(coupon.id, pid);
    if (outcome === 'coupon_not_found') throw new CouponNotFound(code);
    if (outcome === 'product_not_found') throw new ProductNotFound(pid);
    if (outcome === 'cart_scope') throw new CouponScopeConflict(coupon.code, [pid]);
    return this.get(coupon.code);
  }

  async detachProduct(code: string, pid: number): Promise<CouponDto> {
    const coupon = await this.require(code);
    await this.coupons.detachProduct(coupon.id, pid);
    return this.get(coupon.code);
  }

  private async require(code: string): Promise<CouponWithProducts> {
    const coupon = await this.coupons.findByCode(code);
    if (!coupon) throw new CouponNotFound(code);
    return coupon;
  }
}
