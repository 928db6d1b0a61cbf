import { Logger } from '@nestjs/common';
import { cartRef } from '../../src/cart/cart-ref';
import { PendingClears } from '../../src/orders/pending-clears';
import { newServices, Services } from './fakes';

describe('CheckoutService (over fakes)', () => {
  let s: Services;
  const cart = cartRef('sid-checkout', null);
  const sid = cart.cartId;

  beforeEach(() => {
    s = newServices();
  });
  afterEach(() => {
    s.carts.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('places an order, takes the stock and clears the bought lines', async () => {
    s.catalogue.add(1, 1000, 5);
    await s.cartService.addItem(cart, 1, 2);
    const { order, replayed } = await s.checkout.checkout(cart);
    expect(replayed).toBe(false);
    expect(order).toMatchObject({ total: 20, items: [{ pid: 1, quantity: 2 }] });
    expect(s.catalogue.products.get(1)!.quantity).toBe(3);
    expect((await s.carts.getCart(sid)).lines).toEqual([]);
    expect(s.orders.orders[0].cartCleared).toBe(true);
  });

  it('answers checkout_in_progress when another checkout holds the cart past the wait bound', async () => {
    s.catalogue.add(1, 1000, 5);
    await s.cartService.addItem(cart, 1, 1);
    s.orders.lockHeld = true;
    await expect(s.checkout.checkout(cart, { idempotencyKey: 'k1' })).rejects.toMatchObject({ code: 'checkout_in_progress', status: 409 });
    expect(s.catalogue.products.get(1)!.quantity).toBe(5);
    expect(s.orders.orders).toHaveLength(0);
  });

  it('keeps the order when clearing the cart fails after the commit; the next checkout finishes the clear once', async () => {
    s.catalogue.add(1, 1000, 5);
    s.catalogue.add(2, 500, 5);
    await s.cartService.addItem(cart, 1, 2);
    jest.spyOn(s.carts, 'removeLines').mockRejectedValueOnce(new Error('store went away'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const first = await s.checkout.checkout(cart, { idempotencyKey: 'k1' });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('not cleared yet'));
    expect(s.orders.orders[0].cartCleared).toBe(false);
    expect((await s.carts.getCart(sid)).lines).toEqual([{ pid: 1, quantity: 2, seenPriceCents: 1000 }]);

    // the retry with the same key: the pending clear runs, then the key replays the order
    const retry = await s.checkout.checkout(cart, { idempotencyKey: 'k1' });
    expect(retry).toEqual({ order: first.order, replayed: true });
    expect((await s.carts.getCart(sid)).lines).toEqual([]);
    expect(s.orders.orders[0].cartCleared).toBe(true);
    expect(s.catalogue.products.get(1)!.quantity).toBe(3);

    // applied once: lines added afterwards stay and can be bought
    await s.cartService.addItem(cart, 1, 1);
    await s.cartService.addItem(cart, 2, 1);
    const next = await s.checkout.checkout(cart);
    expect(next.order.items.map((i) => [i.pid, i.quantity])).toEqual([[1, 1], [2, 1]]);
  });

  it('after a failed clear, the next view finishes it once: the bought lines go, lines added later stay', async () => {
    s.catalogue.add(1, 1000, 5);
    s.catalogue.add(2, 500, 5);
    await s.cartService.addItem(cart, 1, 2);
    jest.spyOn(s.carts, 'removeLines').mockRejectedValueOnce(new Error('store went away'));
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await s.checkout.checkout(cart, { idempotencyKey: 'k1' });
    expect((await s.carts.getCart(sid)).lines).toEqual([expect.objectContaining({ pid: 1, quantity: 2 })]);

    const view = await s.cartService.view(cart);
    expect(view.items).toEqual([]);
    expect(s.orders.orders[0].cartCleared).toBe(true);
    await s.cartService.addItem(cart, 1, 1);
    await s.cartService.addItem(cart, 2, 1);
    expect((await s.cartService.view(cart)).items.map((i) => [i.pid, i.incart])).toEqual([[1, 1], [2, 1]]);
  });

  it('another instance finishes a failed clear at its first use of the cart after reading the pending orders', async () => {
    s.catalogue.add(1, 1000, 5);
    await s.cartService.addItem(cart, 1, 2);
    jest.spyOn(s.carts, 'removeLines').mockRejectedValueOnce(new Error('store went away'));
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const other = new PendingClears(s.orders.repo, s.cartService); // its own set, read from the orders
    await other.settle(sid); // starts the read
    await s.checkout.checkout(cart);
    await other.settle(sid); // the set read before the order: nothing to do yet
    expect(s.orders.orders[0].cartCleared).toBe(false);
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 1001);
    await other.settle(sid); // a second later: reads again
    await new Promise((r) => setImmediate(r));
    await other.settle(sid);
    expect((await s.carts.getCart(sid)).lines).toEqual([]);
    expect(s.orders.orders[0].cartCleared).toBe(true);
  });

  it('a checkout without a key after a failed clear does not sell the bought lines again', async () => {
    s.catalogue.add(1, 1000, 5);
    await s.cartService.addItem(cart, 1, 2);
    jest.spyOn(s.carts, 'removeLines').mockRejectedValueOnce(new Error('store went away'));
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await s.checkout.checkout(cart);
    await expect(s.checkout.checkout(cart)).rejects.toMatchObject({ code: 'cart_empty' });
    expect(s.catalogue.products.get(1)!.quantity).toBe(3);
    expect(s.orders.orders).toHaveLength(1);
  });

  it('refuses a coupon that no longer applies only when it would discount; counts a redemption only when it does', async () => {
    s.catalogue.add(1, 1000, 5);
    s.catalogue.add(2, 1000, 5);
    const covered = s.coupons.add('HALF', { multiplierBp: 5000, productIds: [1] });
    await s.cartService.addItem(cart, 2, 1);
    await s.cartService.applyCoupon(cart, 'HALF');
    const elsewhere = await s.checkout.checkout(cart);
    expect(elsewhere.order).toMatchObject({ discount: 0, coupon: null });
    expect(covered.redemptions).toBe(0);

    await s.cartService.addItem(cart, 1, 1);
    await s.cartService.applyCoupon(cart, 'HALF');
    covered.active = false;
    await expect(s.checkout.checkout(cart)).rejects.toMatchObject({ code: 'coupon_not_applicable', status: 422, details: { reason: 'inactive' } });
    covered.active = true;
    expect((await s.checkout.checkout(cart)).order).toMatchObject({ discount: 5, total: 5 });
    expect(covered.redemptions).toBe(1);
  });

  it('refuses lines the stock cannot cover, listing them, and keeps cart and stock', async () => {
    s.catalogue.add(1, 1000, 5);
    await s.cartService.addItem(cart, 1, 4);
    s.catalogue.products.get(1)!.quantity = 3;
    await expect(s.checkout.checkout(cart)).rejects.toMatchObject({ code: 'cart_not_purchasable', details: { lines: [{ pid: 1, incart: 4, instock: 3, status: 'insufficient_stock' }] } });
    expect((await s.carts.getCart(sid)).lines).toEqual([{ pid: 1, quantity: 4, seenPriceCents: 1000 }]);
    expect(s.catalogue.stock.changed).toHaveBeenCalledWith([1]);
  });
});
