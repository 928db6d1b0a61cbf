import { fromCents, MAX_TOTAL, MAX_TOTAL_CENTS } from '../common/money';
import { CouponTerms, priceCart } from '../coupons/pricing';
import type { ProductStock } from '../products/products.repository';
import type { CartLine, SeenPrice } from './cart.repository';
import { lineStatus, LineStatus } from '../products/stock-rules';
import type { CartItemDto, CartNoticeDto, CartViewDto } from './dto/cart-view.dto';

/** A coupon that applies to the cart right now. */
export interface AppliedCoupon extends CouponTerms {
  code: string;
  name: string;
}

const money = (cents: number) => fromCents(cents).toFixed(2);

/**
 * Reconciles stored lines against the live catalogue (pure): lines whose product is gone are
 * reported in `deleted` (the caller drops them from the store); the others are priced, and only
 * `ok` lines count towards the totals and the coupon. Items are ordered by product id.
 * `notices` name each unit price that moved since the buyer last saw it (`price_changed`), and a
 * subtotal above MAX_TOTAL (`cart_total_too_large`); `seen` lists the prices to remember as seen
 * (changed ones, and lines that had none), so the next view names each change no more.
 */
export function reconcileCart(
  sid: string,
  lines: CartLine[],
  products: ProductStock[],
  coupon: AppliedCoupon | null = null,
): { view: CartViewDto; deleted: number[]; seen: SeenPrice[] } {
  const byId = new Map(products.map((p) => [p.id, p]));
  const deleted: number[] = [];
  const seen: SeenPrice[] = [];
  const notices: CartNoticeDto[] = [];
  const priced: { line: CartLine; product: ProductStock; status: LineStatus; lineCents: number }[] = [];
  let itemCount = 0;
  for (const line of [...lines].sort((a, b) => a.pid - b.pid)) {
    const product = byId.get(line.pid);
    if (!product) {
      deleted.push(line.pid);
      continue;
    }
    itemCount += line.quantity;
    if (line.seenPriceCents !== product.priceCents) {
      seen.push({ pid: product.id, priceCents: product.priceCents });
      if (line.seenPriceCents !== undefined) {
        notices.push({
          code: 'price_changed',
          pid: product.id,
          from: fromCents(line.seenPriceCents),
          to: fromCents(product.priceCents),
          message: `The price of ${product.name} changed from ${money(line.seenPriceCents)} to ${money(product.priceCents)} since the cart was last shown`,
        });
      }
    }
    priced.push({ line, product, status: lineStatus(line.quantity, product.quantity), lineCents: product.priceCents * line.quantity });
  }
  const pricing = priceCart(
    priced.map((p) => ({ pid: p.product.id, lineCents: p.lineCents, ok: p.status === 'ok' })),
    coupon,
  );
  if (pricing.tooLarge) {
    notices.push({
      code: 'cart_total_too_large',
      limit: MAX_TOTAL,
      message: `The cart subtotal is above ${money(MAX_TOTAL_CENTS)}, the most one order can take: lower or remove lines to check out`,
    });
  }
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
    notices,
    subtotal: fromCents(pricing.subtotalCents),
    discount: fromCents(pricing.discountCents),
    total: fromCents(pricing.totalCents),
    itemCount,
  };
  return { view, deleted, seen };
}
