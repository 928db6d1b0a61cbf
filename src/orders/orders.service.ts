import { Injectable } from '@nestjs/common';
import { fromCents } from '../common/money';
import { OrderDto, OrderPageDto } from './dto/order.dto';
import { OrderNotFound } from './orders.errors';
import { OrdersRepository } from './orders.repository';

/** A money column: bigint columns arrive as strings, a checkout's own values as numbers. */
type CentsColumn = number | string;

/** What an order DTO is made from: a stored Order or the one a checkout just inserted. */
export interface OrderLike {
  id: string;
  sid: string;
  subtotalCents: CentsColumn;
  discountCents: CentsColumn;
  totalCents: CentsColumn;
  couponCode: string | null;
  couponName: string | null;
  createdAt: Date;
  lines: { productId: number; name: string; priceCents: number; quantity: number; lineTotalCents: CentsColumn; lineDiscountCents: CentsColumn }[];
}

export function toOrderDto(o: OrderLike): OrderDto {
  return {
    id: o.id,
    status: 'placed',
    sid: o.sid,
    items: o.lines.map((l) => ({
      pid: l.productId,
      name: l.name,
      price: fromCents(l.priceCents),
      quantity: l.quantity,
      lineDiscount: fromCents(Number(l.lineDiscountCents)),
      lineTotal: fromCents(Number(l.lineTotalCents)),
    })),
    subtotal: fromCents(Number(o.subtotalCents)),
    discount: fromCents(Number(o.discountCents)),
    total: fromCents(Number(o.totalCents)),
    coupon: o.couponCode ? { code: o.couponCode, name: o.couponName ?? o.couponCode } : null,
    createdAt: o.createdAt.toISOString(),
  };
}

/** Reading placed orders. */
@Injectable()
export class OrdersService {
  constructor(private readonly orders: OrdersRepository) {}

  async get(id: string): Promise<OrderDto> {
    const order = await this.orders.findById(id);
    if (!order) throw new OrderNotFound(id);
    return toOrderDto(order);
  }

  /** Every order, or only the user's own when `userId` is given. */
  async list(limit: number, offset: number, userId?: number): Promise<OrderPageDto> {
    const [items, total] = await this.orders.findPage(limit, offset, userId);
    return { items: items.map(toOrderDto), total };
  }
}
