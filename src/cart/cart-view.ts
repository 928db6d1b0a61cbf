import { fromCents } from '../common/money';
import { CouponTerms, priceCart } from '../coupons/pricing';
import type { ProductStock } from '../products/products.repository';
import type { CartLine } from './cart.repository';
import { lineStatus, LineStatus } from '../products/stock-rules';
import type { CartItemDto, CartViewDto } from './dto/cart-view.dto';

/** A coupon that applies to the cart right now. */
export interface AppliedCoupon extends CouponTerms {
  code: string;
  name: string;
}

/**
 * Reconciles stored lines against the live catalogue (pure): lines whose product is gone are
 * reported in `deleted` (the caller drops them from the store); the others are priced, and only
 * `ok` lines count towards the totals and the coupon. Items are ordered by product id.
 */
export function reconcileCart(
  sid: string,
  lines: CartLine[],
  products: ProductStock[],
  coupon: AppliedCoupon | null = null,
): { view: CartViewDto; deleted: number[] } {
  const byId = new Map(products.map((p) => [p.id, p]));
  const deleted: number[] = [];
  const priced: { line: CartLine; product: ProductStock; status: LineStatus; lineCents: number }[] = [];
  let itemCount = 0;
  for (const line of [...lines].sort((a, b) => a.pid - b.pid)) {
    const product = byId.get(line.pid);
    if (!product) {
      deleted.push(line.pid);
      continue;
    }
    itemCount += line.quantity;
    priced.push({ line, product, status: lineStatus(line.quantity, product.quantity), lineCents: product.priceCents * line.quantity });
  }
  const pricing = priceCart(
    priced.map((p) => ({ pid: p.product.id, lineCents: p.lineCents, ok: p.status === 'ok' })),
    coupon,
  );
  const items: CartItemDto[] = priced.map(({ line, product, status, lineCents }) => ({
    pid: product.id,
    name: product.name,
    price: fromCents(product.priceCents),
    incart: line.quantity,
    instock: product.quantity,
    status,
    lineTotal: fromCents(lineCents),
    lineDiscount: fromCents(pricing.lineDiscounts.get(product.id) ?? 0),
  }));
  const view: CartViewDto = {
    sid,
    items,
    removed: deleted.map((pid) => ({ pid, reason: 'deleted' as const })),
    coupon: coupon ? { code: coupon.code, name: coupon.name } : null,
    notices: [],
    subtotal: fromCents(pricing.subtotalCents),
    discount: fromCents(pricing.discountCents),
    total: fromCents(pricing.totalCents),
    itemCount,
  };
  return { view, deleted };
}
