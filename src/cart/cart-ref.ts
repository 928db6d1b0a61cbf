import type { Authenticated } from '../access/tokens.service';

/** The cart a logged-in user's devices share; sids cannot contain ':', so it never clashes with one. */
export const userCartId = (userId: number) => `user:${userId}`;

/**
 * Which cart a request acts on: with a Bearer token the user's cart, without one the sid's
 * anonymous cart. A sid is never a key to a user's cart. `sid` is what the client named (views echo it).
 */
export interface CartRef {
  cartId: string;
  userId: number | null;
  sid: string;
}

export function cartRef(sid: string, userId: number | null): CartRef {
  return userId === null ? { cartId: sid, userId, sid } : { cartId: userCartId(userId), userId, sid };
}

/** The cart a request names: the caller's (Bearer token) if any, else the sid's anonymous cart. */
export function cartOf(sid: string, caller: Authenticated | null): CartRef {
  return cartRef(sid, caller ? caller.user.id : null);
}
