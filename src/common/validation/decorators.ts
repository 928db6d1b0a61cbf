import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { MAX_PRICE } from '../money';

/** Form bodies send numbers as strings: turn plain decimal strings into numbers, leave the rest for the validators. */
export const toNumberIfNumeric = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;

export const MAX_QUANTITY = 1_000_000;
export const MAX_INT32 = 2_147_483_647;
export const SID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

type Opts = { optional?: boolean } & ApiPropertyOptions;

function base(opts: Opts, api: ApiPropertyOptions) {
  const { optional, ...rest } = opts;
  return [
    ApiProperty({ ...api, ...rest, required: !optional } as ApiPropertyOptions),
    // optional means "may be left out", not "may be null": null still fails validation
    ...(optional ? [ValidateIf((_o: object, v: unknown) => v !== undefined)] : []),
  ];
}

/**
 * A finite number with at most `places` decimals. (class-validator's maxDecimalPlaces throws on
 * numbers JSON writes in exponent form, such as 1e-7, which would surface as a 500.)
 */
export function HasDecimals(places: number, message: string) {
  const factor = 10 ** places;
  return ValidateBy(
    {
      name: 'hasDecimals',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'number' || !Number.isFinite(value)) return false;
          const scaled = value * factor;
          return Math.abs(scaled - Math.round(scaled)) < 1e-6;
        },
      },
    },
    { message },
  );
}

/** No control characters (Postgres refuses NUL in text, and none belongs in a name). */
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

/** A price or amount: a number >= 0 with at most two decimals, stored as cents. */
export function Money(opts: Opts = {}) {
  return applyDecorators(
    ...base(opts, { type: Number, example: 19.99, minimum: 0, maximum: MAX_PRICE, description: 'Decimal amount, at most 2 places' }),
    Transform(toNumberIfNumeric),
    HasDecimals(2, '$property must be a number with at most 2 decimals'),
    Min(0),
    Max(MAX_PRICE),
  );
}

/** A count of units: an integer in [min, MAX_QUANTITY] (stock, cart quantity). */
export function Quantity(opts: Opts & { min?: number } = {}) {
  const { min = 0, ...rest } = opts;
  return applyDecorators(
    ...base(rest, { type: 'integer', example: 3, minimum: min, maximum: MAX_QUANTITY }),
    Transform(toNumberIfNumeric),
    IsInt({ message: '$property must be an integer' }),
    Min(min),
    Max(MAX_QUANTITY),
  );
}

/** A product id: a positive integer. */
export function ProductId(opts: Opts = {}) {
  return applyDecorators(
    ...base(opts, { type: 'integer', example: 1, minimum: 1 }),
    Transform(toNumberIfNumeric),
    IsInt({ message: '$property must be a positive integer' }),
    Min(1, { message: '$property must be a positive integer' }),
    Max(MAX_INT32),
  );
}

/** A product name: 1-200 characters after trimming. */
export function ProductName(opts: Opts = {}) {
  return applyDecorators(
    ...base(opts, { type: String, example: 'Plastic chair', minLength: 1, maxLength: 200 }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)),
    IsString(),
    Length(1, 200),
    Matches(NO_CONTROL_CHARS, { message: '$property must not contain control characters' }),
  );
}

/** A cart session id: 1-128 characters of [A-Za-z0-9._~-]. */
export function Sid(opts: Opts = {}) {
  return applyDecorators(
    ...base(opts, { type: String, example: 'k3Jx9_aQ2mZ0pL7tR4vW8c', pattern: SID_PATTERN.source }),
    IsString(),
    Matches(SID_PATTERN, { message: '$property must be 1-128 characters of A-Z a-z 0-9 . _ ~ -' }),
  );
}
