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
 * A finite number with at most `places` decimals: the nearest double to such a decimal (exact at
 * any size money can take), or within 1e-6 of one after scaling (what float arithmetic on the
 * client leaves, e.g. 0.1 + 0.2). (class-validator's maxDecimalPlaces throws on numbers JSON writes
 * in exponent form, such as 1e-7, which would surface as a 500.)
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
          return Math.round(scaled) / factor === value || Math.abs(scaled - Math.round(scaled)) < 1e-6;
        },
      },
    },
    { message },
  );
}

/** No control characters (Postgres refuses NUL in text, and none belongs in a name). */
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

/** A price or amount: a number from 0 to `max` (default MAX_PRICE) with at most two decimals, stored as cents. */
export function Money(opts: Opts & { max?: number } = {}) {
  const { max = MAX_PRICE, ...rest } = opts;
  return applyDecorators(
    ...base(rest, { type: Number, example: 19.99, minimum: 0, maximum: max, description: 'Decimal amount, at most 2 places' }),
    Transform(toNumberIfNumeric),
    HasDecimals(2, '$property must be a number with at most 2 decimals'),
    Min(0),
    Max(max),
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

/** Earliest and latest instant a date field accepts. */
export const MIN_INSTANT = Date.UTC(2000, 0, 1);
export const MAX_INSTANT = Date.UTC(2100, 0, 1);

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses a strict ISO 8601 instant: a string with date, time and zone (`Z` or `±hh:mm`), a real
 * calendar date and time, between 2000 and 2100. Anything else (`2026-02-30`, `true`, `0`, a date
 * without a time or zone, year -4714) is null.
 */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = INSTANT.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59 || Number(m[8] ?? 0) > 23 || Number(m[9] ?? 0) > 59) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime()) || at.getTime() < MIN_INSTANT || at.getTime() > MAX_INSTANT) return null;
  return at;
}

/** An optional, nullable date-time field: a strict ISO 8601 instant (see parseInstant), turned into a Date. */
export function Instant(opts: { example: string; description?: string }) {
  return applyDecorators(
    ApiProperty({ type: String, format: 'date-time', nullable: true, required: false, ...opts }),
    ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null),
    Transform(({ value }: { value: unknown }) => (value === null || value === undefined ? value : (parseInstant(value) ?? value))),
    ValidateBy({
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => value instanceof Date,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an ISO 8601 date-time with a zone (e.g. 2027-01-01T00:00:00Z) between 2000 and 2100`,
      },
    }),
  );
}
