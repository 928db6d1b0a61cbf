/** Whether a line's units can be sold from the stock: the one rule for cart views and checkout. */
export type LineStatus = 'ok' | 'out_of_stock' | 'insufficient_stock';

export function lineStatus(incart: number, instock: number): LineStatus {
  if (instock <= 0) return 'out_of_stock';
  return instock < incart ? 'insufficient_stock' : 'ok';
}
