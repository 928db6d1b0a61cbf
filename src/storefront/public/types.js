// @ts-check
// The shapes the storefront reads from the API (README "The cart view", "Checkout"), as JSDoc types.
// This file exports nothing at run time; the other modules import its types with import('./types.js').

/**
 * @typedef {object} Product
 * @property {number} id
 * @property {string} name
 * @property {number} price
 * @property {number} quantity  units in stock
 */

/**
 * @typedef {'ok' | 'out_of_stock' | 'insufficient_stock'} LineStatus
 */

/**
 * @typedef {object} CartItem
 * @property {number} pid
 * @property {string} name
 * @property {number} price
 * @property {number} incart
 * @property {number} instock
 * @property {LineStatus} status
 * @property {number} lineTotal
 * @property {number} lineDiscount
 */

/**
 * A notice of what a view changed: today `coupon_dropped` ({coupon, reason}) and `price_changed`
 * ({pid, from, to}); an unknown one is shown by its `message`.
 * @typedef {object} Notice
 * @property {string} code
 * @property {string} [message]
 * @property {string} [coupon]
 * @property {string} [reason]
 * @property {number} [pid]
 * @property {number} [from]
 * @property {number} [to]
 */

/**
 * @typedef {object} CartView
 * @property {string} sid
 * @property {CartItem[]} items
 * @property {{pid: number, reason: string}[]} removed
 * @property {{code: string, name: string} | null} coupon
 * @property {Notice[]} notices
 * @property {number} subtotal
 * @property {number} discount
 * @property {number} total
 * @property {number} itemCount
 */

/**
 * @typedef {object} OrderItem
 * @property {number} pid
 * @property {string} name
 * @property {number} price
 * @property {number} quantity
 * @property {number} lineDiscount
 * @property {number} lineTotal
 */

/**
 * @typedef {object} Order
 * @property {string} id
 * @property {string} status
 * @property {OrderItem[]} items
 * @property {number} subtotal
 * @property {number} discount
 * @property {number} total
 * @property {{code: string, name: string} | null} coupon
 * @property {string} createdAt
 */

/**
 * @typedef {object} User
 * @property {number} id
 * @property {string} name
 * @property {string | null} email
 */

/**
 * The error body every API error has: {statusCode, code, message, details?}.
 * @typedef {object} ErrorBody
 * @property {number} statusCode
 * @property {string} code
 * @property {string} message
 * @property {any} [details]
 * @property {number} [instock]
 */

export {};
