import { Injectable } from '@nestjs/common';
import { fromCents } from '../common/money';
import { OrderDto, OrderPageDto } from './dto/order.dto';
import { OrderNotFound } from './orders.errors';
import { OrdersRepository } from './orders.repository';

type Money = number | string; // bigint columns arrive as strings

/** What an order DTO is made from: a stored Order or the one a checkout just inserted. */
export interface OrderLike {
  id: string;
  sid: string;
  subtotalCents: Money;
  discountCents: Money;
  totalCents: Money;
  couponCode: string | null;
  couponName: string | null;
  createdAt: Date;
  lines: { productId: number; name: string; priceCents: number; quantity: number; lineTotalCents: Money; lineDiscountCents: Money }[];
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
