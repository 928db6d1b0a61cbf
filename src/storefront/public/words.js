// @ts-check
// What the page says to a shopper: money, stock, line states, notices and errors in plain words.

import { ApiError, NetworkError } from './api.js';

/** @typedef {import('./types.js').CartItem} CartItem */
/** @typedef {import('./types.js').Notice} Notice */

const moneyFormat = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** @param {number} amount */
export const money = (amount) => moneyFormat.format(amount);

/** @param {number} n @param {string} one @param {string} [many] */
export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The stock as a product card says it. @param {number} quantity */
export function stockText(quantity) {
  if (quantity <= 0) return 'Out of stock';
  if (quantity <= 5) return `Only ${quantity} left`;
  return `${quantity} in stock`;
}

/**
 * Why a cart line cannot be bought now, and what to do; '' for a line that can.
 * @param {CartItem} line
 */
export function lineStatusText(line) {
  if (line.status === 'out_of_stock') return 'Sold out since you added it. Remove it to place your order.';
  if (line.status === 'insufficient_stock') return `Only ${line.instock} left. Lower the quantity to ${line.instock} to place your order.`;
  return '';
}

const COUPON_REASONS = /** @type {Record<string, string>} */ ({
  expired: 'has expired',
  used_up: 'has been used up',
  inactive: 'is no longer offered',
  not_started: 'is not valid yet',
  deleted: 'no longer exists',
});

/**
 * @param {string} code
 * @param {string | undefined} reason
 */
const couponReason = (code, reason) => `The coupon ${code} ${COUPON_REASONS[reason ?? ''] ?? 'cannot be used'}`;

/**
 * A line dropped by the view (its product left the catalogue).
 * @param {{pid: number, reason: string}} removed
 * @param {string | undefined} name  the product's name, if the page still knows it
 */
export function removedText(removed, name) {
  const what = name ? `“${name}”` : 'A product in your cart';
  return `${what} is no longer sold and was taken out of your cart.`;
}

/**
 * @param {Notice} notice
 * @param {(pid: number) => string | undefined} nameOf
 */
export function noticeText(notice, nameOf) {
  if (notice.code === 'coupon_dropped' && notice.coupon) {
    return `${couponReason(notice.coupon, notice.reason)}, so it was taken off your cart.`;
  }
  if (notice.code === 'price_changed' && notice.pid !== undefined && notice.from !== undefined && notice.to !== undefined) {
    const name = nameOf(notice.pid);
    const what = name ? `“${name}”` : 'an item in your cart';
    const way = notice.to > notice.from ? 'went up' : 'went down';
    return `The price of ${what} ${way} from ${money(notice.from)} to ${money(notice.to)}.`;
  }
  return notice.message ?? 'Your cart was updated.';
}

/**
 * What went wrong, for the shopper.
 * @param {unknown} err
 * @param {(pid: number) => string | undefined} nameOf
 */
export function errorText(err, nameOf) {
  if (err instanceof NetworkError) return 'The shop could not be reached. Check your connection and try again.';
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  const d = err.details ?? {};
  switch (err.code) {
    case 'out_of_stock': {
      const name = nameOf(d.pid);
      const what = name ? `“${name}”` : 'this product';
      if (d.instock === 0) return `Sorry, ${what} is out of stock.`;
      return `Sorry, only ${plural(d.instock, 'unit')} of ${what} in stock${d.incart ? ` (you have ${d.incart} in your cart)` : ''}.`;
    }
    case 'product_not_found':
      return 'This product is no longer sold.';
    case 'cart_full':
      return 'Your cart is full: it holds at most 500 different products.';
    case 'coupon_not_found':
      return `There is no coupon with the code ${d.code ?? 'you entered'}.`;
    case 'coupon_not_applicable':
      return `${couponReason(d.code ?? 'you entered', d.reason)}.`;
    case 'cart_empty':
      return 'Your cart is empty.';
    case 'cart_not_purchasable':
      return 'Some items in your cart cannot be bought right now; see the notes in your cart.';
    case 'total_changed':
      return 'Prices changed, please review your cart before you place the order.';
    case 'cart_total_too_large':
      return 'Your cart is worth more than one order can take. Lower or remove some lines to check out.';
    case 'checkout_in_progress':
      return 'Your order is still being placed. Wait a moment, then press “Place order” again.';
    case 'idempotency_key_reused':
      return 'Your cart changed while the order was being placed. Please review it and try again.';
    case 'rate_limited':
      return `Too many requests from your network. Try again in ${plural(err.retryAfter ?? 60, 'second')}.`;
    case 'validation_failed': {
      const fields = Array.isArray(err.details) ? err.details.map((/** @type {{field?: string}} */ f) => f.field) : [];
      if (fields.includes('quantity')) return 'Please enter a whole number from 0 to 1,000,000.';
      if (fields.includes('code')) return 'A coupon code is 1 to 64 letters, digits, “_” or “-”.';
      return err.message;
    }
    case 'unauthorized':
      return 'Your login has expired. Please log in again.';
    case 'login_disabled':
      return 'Login is not available on this shop.';
    default:
      if (err.status >= 500) return 'The shop is having trouble right now. Please try again in a moment.';
      return err.message;
  }
}
