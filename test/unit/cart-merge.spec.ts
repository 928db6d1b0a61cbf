import { mergeLines } from '../../src/cart/cart-merge';

describe('mergeLines: anonymous cart into the user cart at login', () => {
  const lines = (...pairs: [number, number][]) => pairs.map(([pid, quantity]) => ({ pid, quantity }));
  const stock = (...pairs: [number, number][]) => new Map(pairs);

  it.each([
    ['adds quantities per product', lines([1, 2]), lines([1, 3]), stock([1, 10]), lines([1, 5])],
    ['a product only in the anonymous cart is added', lines(), lines([2, 2]), stock([2, 10]), lines([2, 2])],
    ['clamps the sum to the stock', lines([1, 3]), lines([1, 3]), stock([1, 4]), lines([1, 4])],
    ['never lowers a line the user had above the stock', lines([1, 5]), lines([1, 1]), stock([1, 3]), lines()],
    ['adds nothing for a product out of stock', lines(), lines([1, 2]), stock([1, 0]), lines()],
    ['skips products that no longer exist', lines(), lines([9, 1]), stock(), lines()],
    ['leaves user-only lines alone', lines([1, 1], [2, 2]), lines([2, 1]), stock([1, 5], [2, 5]), lines([2, 3])],
  ])('%s', (_case, user, anonymous, stockById, expected) => {
    expect(mergeLines(user, anonymous, stockById)).toEqual(expected);
  });
});
