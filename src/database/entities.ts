import { Coupon } from '../coupons/coupon.entity';
import { Order, OrderLine } from '../orders/order.entity';
import { Product } from '../products/product.entity';
import { User } from '../users/user.entity';

/** Every entity, listed once for the app, the CLI data source and the tests. */
export const ENTITIES = [Product, Coupon, Order, OrderLine, User];
