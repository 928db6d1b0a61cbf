import { fromCents, MAX_PRICE, toCents } from '../../src/common/money';

describe('money', () => {
  describe('toCents', () => {
    it.each([
      [19.99, 1999],
      [0.1 + 0.2, 30], // 0.30000000000000004
      [0.3 - 0.1, 20], // 0.19999999999999998
      [1.1 + 2.2, 330], // 3.3000000000000003
      [0.07, 7], // 0.07 * 100 === 7.000000000000001
      [0.29, 29], // 0.29 * 100 === 28.999999999999996
      [1.15, 115], // 1.15 * 100 === 114.99999999999999
      [4.35, 435], // 4.35 * 100 === 434.99999999999994
      [0, 0],
      [0.01, 1],
      [10, 1000],
      [1_000_000, 100_000_000],
      [MAX_PRICE, 100_000_000],
    ])('toCents(%p) === %p', (amount, cents) => {
      expect(toCents(amount)).toBe(cents);
    });

    it('round-trips every two-decimal amount from 0.00 to 10000.00', () => {
      const wrong: number[] = [];
      for (let c = 0; c <= 1_000_000; c++) {
        const amount = Number((c / 100).toFixed(2));
        if (toCents(amount) !== c) wrong.push(c);
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('fromCents', () => {
    it.each([
      [1999, 19.99],
      [5997, 59.97],
      [30, 0.3],
      [7, 0.07],
      [1, 0.01],
      [0, 0],
      [100_000_000, 1_000_000],
    ])('fromCents(%p) === %p', (cents, amount) => {
      expect(fromCents(cents)).toBe(amount);
    });

    it.each([
      [19.99, 3, 59.97],
      [1.1, 3, 3.3], // 1.1 * 3 === 3.3000000000000003 in floats
      [0.1, 3, 0.3], // 0.1 * 3 === 0.30000000000000004 in floats
    ])('%p x %p via cents is exactly %p', (price, qty, total) => {
      expect(fromCents(toCents(price) * qty)).toBe(total);
    });
  });
});
