import { fromCents } from '../common/money';
import type { ProductStock } from '../products/products.repository';
import type { CartLine } from './cart.repository';
import type { CartItemDto, CartViewDto, LineStatus } from './dto/cart-view.dto';

export function lineStatus(incart: number, instock: number): LineStatus {
  if (instock <= 0) return 'out_of_stock';
  return instock < incart ? 'insufficient_stock' : 'ok';
}

/**
 * Reconciles stored lines against the live catalogue (pure): lines whose product is gone are
 * reported in `deleted` (the caller drops them from the store); the others are priced, and only
 * `ok` lines count towards the totals. Items are ordered by product id.
 */
export function reconcileCart(sid: string, lines: CartLine[], products: ProductStock[]): { view: CartViewDto; deleted: number[] } {
  const byId = new Map(products.map((p) => [p.id, p]));
  const items: CartItemDto[] = [];
  const deleted: number[] = [];
  let subtotalCents = 0;
  let itemCount = 0;
  for (const line of [...lines].sort((a, b) => a.pid - b.pid)) {
    const product = byId.get(line.pid);
    if (!product) {
      deleted.push(line.pid);
      continue;
    }
    const status = lineStatus(line.quantity, product.quantity);
    const lineCents = product.priceCents * line.quantity;
    if (status === 'ok') subtotalCents += lineCents;
    itemCount += line.quantity;
    items.push({
      pid: product.id,
      name: product.name,
      price: fromCents(product.priceCents),
      incart: line.quantity,
      instock: product.quantity,
      status,
      lineTotal: fromCents(lineCents),
    });
  }
  const view: CartViewDto = {
    sid,
    items,
    removed: deleted.map((pid) => ({ pid, reason: 'deleted' as const })),
    subtotal: fromCents(subtotalCents),
    discount: 0,
    total: fromCents(subtotalCents),
    itemCount,
  };
  return { view, deleted };
}
