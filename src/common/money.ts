/**
 * Money is integer minor units (cents) inside the service; the API speaks decimal numbers with at
 * most two places. These are the only two crossings.
 */
export type Cents = number;

/** 19.99 -> 1999. The caller has validated "at most two decimals". Exact up to MAX_TOTAL. */
export function toCents(amount: number): Cents {
  return Math.round(amount * 100);
}

/** 1999 -> 19.99 */
export function fromCents(cents: Cents): number {
  return cents / 100;
}

/** Largest price accepted: a price, and a line of up to 1,000,000 units, stay exact in int32/int64 and JS numbers. */
export const MAX_PRICE = 1_000_000;

/**
 * Largest cart or order subtotal (before any discount, so it bounds every total): 9,999,999,999,999.99,
 * i.e. 10^15 - 1 cents. Every amount up to it has at most 15 significant digits, so it is exact
 * as a JSON number (a double) both ways, as cents (below 2^53) and in the bigint order columns.
 * The largest single line (1,000,000 units at 1,000,000.00 = 10^14 cents) always fits.
 */
export const MAX_TOTAL_CENTS: Cents = 999_999_999_999_999;
export const MAX_TOTAL = fromCents(MAX_TOTAL_CENTS);
