import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { ValidationFailed } from '../common/errors/domain-error';
import { MAX_QUANTITY, ProductId, Sid } from '../common/validation/decorators';
import { UpdateProductDto } from '../products/dto/product.dto';

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

/** Original contract: POST /api/updatecart {sid, pid, v?}, as JSON or a form. */
export class UpdateCartDto {
  @Sid()
  sid: string;

  @ProductId()
  pid: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', enum: ['', 'delete'] }, { type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\d+$' }],
    example: 3,
    description: "Missing or '': add 1. 'delete' or 0: remove the line. A natural number N (number or numeric string): set the quantity to N.",
  })
  @Allow()
  v?: unknown;
}

export type CartChange = { kind: 'increment' } | { kind: 'remove' } | { kind: 'set'; quantity: number };

/** Reads the original `v` attribute; anything it does not define is a 400 naming `v`. */
export function parseCartChange(v: unknown): CartChange {
  if (v === undefined || v === null || v === '') return { kind: 'increment' };
  if (v === 'delete') return { kind: 'remove' };
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,10}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (Number.isInteger(n) && n === 0) return { kind: 'remove' };
  if (Number.isInteger(n) && n > 0 && n <= MAX_QUANTITY) return { kind: 'set', quantity: n };
  throw ValidationFailed.field('v', `v must be missing, '', 'delete', or a whole number from 0 to ${MAX_QUANTITY}`);
}
