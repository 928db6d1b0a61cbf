import { userCartId } from '../../src/cart/cart-ref';
import { newServices, Services } from './fakes';

describe('CartService merge (over fakes)', () => {
  let s: Services;
  const sid = 'sid-anonymous';
  const user = userCartId(7);
  /** The catalogue's price: the seen price a line gets when none is known. */
  const PRICE = 1000;

  beforeEach(() => {
    s = newServices();
    s.catalogue.add(1, 1000, 5);
    s.catalogue.add(2, 1000, 5);
    s.catalogue.add(3, 1000, 5);
    s.coupons.add('MINE');
    s.coupons.add('THEIRS');
  });
  afterEach(() => s.carts.onModuleDestroy());

  it('adds the quantities, clamps them to the stock, never lowers a line, skips deleted products, then empties the anonymous cart', async () => {
    await s.carts.setLine(user, 1, 4, 5, PRICE);
    await s.carts.setLine(user, 2, 1, 5, PRICE);
    await s.carts.setLine(sid, 1, 3, 5, 800);
    await s.carts.setLine(sid, 3, 2, 5, 900); // seen at 9.00 in the anonymous cart; 10.00 now
    await s.carts.setLine(sid, 9, 1, 5, PRICE); // product 9 is not in the catalogue
    const view = await s.cartService.mergeIntoUser(sid, 7);
    expect(view.items.map((i) => [i.pid, i.incart])).toEqual([[1, 5], [2, 1], [3, 2]]);
    // the merge's view names the price that moved since the anonymous cart showed it, then remembers it
    expect(view.notices).toEqual([expect.objectContaining({ code: 'price_changed', pid: 3, from: 9, to: 10 })]);
    expect((await s.carts.getCart(user)).lines.sort((a, b) => a.pid - b.pid)).toEqual([
      { pid: 1, quantity: 5, seenPriceCents: PRICE },
      { pid: 2, quantity: 1, seenPriceCents: PRICE },
      { pid: 3, quantity: 2, seenPriceCents: PRICE }, // 9.00 until the merge's view showed 10.00
    ]);
    expect(await s.carts.getCart(sid)).toEqual({ lines: [], couponCode: null });
  });

  it.each([
    ['MINE', 'THEIRS', 'MINE'],
    [null, 'THEIRS', 'THEIRS'],
    ['MINE', null, 'MINE'],
  ])('keeps the user coupon when there is one (user %p, anonymous %p -> %p)', async (mine, theirs, expected) => {
    if (mine) await s.carts.setCoupon(user, mine);
    if (theirs) await s.carts.setCoupon(sid, theirs);
    await s.carts.setLine(sid, 1, 1, 5, PRICE);
    await s.cartService.mergeIntoUser(sid, 7);
    expect((await s.carts.getCart(user)).couponCode).toBe(expected);
  });

  it('a repeated merge changes nothing and answers the view', async () => {
    await s.carts.setLine(sid, 1, 2, 5, PRICE);
    const first = await s.cartService.mergeIntoUser(sid, 7);
    const again = await s.cartService.mergeIntoUser(sid, 7);
    expect(again).toEqual(first);
    expect((await s.carts.getCart(user)).lines).toEqual([{ pid: 1, quantity: 2, seenPriceCents: PRICE }]);
  });

  it('does nothing for an empty anonymous cart', async () => {
    await s.carts.setLine(user, 1, 2, 5, PRICE);
    const writes = jest.spyOn(s.carts, 'setLine');
    await s.cartService.mergeIntoUser(sid, 7);
    expect(writes).not.toHaveBeenCalled();
    expect((await s.carts.getCart(user)).lines).toEqual([{ pid: 1, quantity: 2, seenPriceCents: PRICE }]);
  });
});
