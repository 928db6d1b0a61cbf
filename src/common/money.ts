/**
 * Money is integer minor units (cents) inside the service; the API speaks decimal numbers with at
 * most two places. These are the only two crossings.
 */
export type Cents = number;

/** 19.99 -> 1999. The caller has validated "at most two decimals". */
export function toCents(amount: number): Cents {
  return Math.round(amount * 100);
}

/** 1999 -> 19.99 */
export function fromCents(cents: Cents): number {
  return cents / 100;
}

/** Largest price accepted: keeps cents, line totals and cart totals exact in int32 and JS numbers. */
export const MAX_PRICE = 1_000_000;
