import type Redis from 'ioredis';
import { CartRepository, LineChange, MAX_CART_LINES, StoredCart } from './cart.repository';

/** The hash field holding the coupon code; every other field is a product id. */
const COUPON_FIELD = 'coupon';

/**
 * One round trip, one atomic step: read the line, apply the change, check it against the stock
 * and the line limit, write it and refresh the TTL. Returns {status, quantity, the cart's hash}:
 * 1 ok (quantity after), 0 insufficient stock (quantity unchanged), 2 cart full.
 * The hash's `coupon` field is not a line. KEYS[1] cart hash; ARGV pid, mode ('inc'|'set'), n, stock, ttl, maxLines.
 */
const CHANGE_LINE_LUA = `
local key, pid = KEYS[1], ARGV[1]
local n, stock, ttl, maxLines = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local cur = tonumber(redis.call('HGET', key, pid) or '0')
local want = n
if ARGV[2] == 'inc' then want = cur + n end
if want <= 0 then
  if cur > 0 then
    redis.call('HDEL', key, pid)
    redis.call('EXPIRE', key, ttl)
  end
  return {1, 0, redis.call('HGETALL', key)}
end
if want > stock then return {0, cur, redis.call('HGETALL', key)} end
if cur == 0 and redis.call('HLEN', key) - redis.call('HEXISTS', key, 'coupon') >= maxLines then return {2, cur, redis.call('HGETALL', key)} end
redis.call('HSET', key, pid, want)
redis.call('EXPIRE', key, ttl)
return {1, want, redis.call('HGETALL', key)}
`;

/** KEYS[1] cart hash; ARGV ttl, pid... Removes the lines, refreshes the TTL if the cart remains, returns the count removed. */
const REMOVE_LINES_LUA = `
local removed = redis.call('HDEL', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return removed
`;

type CartCommands = Redis & {
  cartChangeLine(key: string, pid: number, mode: 'inc' | 'set', n: number, stock: number, ttl: number, maxLines: number): Promise<[number, number, string[]]>;
  cartRemoveLines(key: string, ttl: number, ...pids: number[]): Promise<number>;
};

const OUTCOMES = { 0: 'insufficient_stock', 1: 'ok', 2: 'cart_full' } as const;

/** Carts as Redis hashes `cart:{sid}` (field pid, value quantity), under the client's key prefix. */
export class RedisCartRepository extends CartRepository {
  private readonly redis: CartCommands;

  constructor(redis: Redis, private readonly ttlSeconds: number) {
    super();
    if (!('cartChangeLine' in redis)) {
      redis.defineCommand('cartChangeLine', { numberOfKeys: 1, lua: CHANGE_LINE_LUA });
      redis.defineCommand('cartRemoveLines', { numberOfKeys: 1, lua: REMOVE_LINES_LUA });
    }
    this.redis = redis as CartCommands;
  }

  private key(sid: string): string {
    return `cart:${sid}`;
  }

  async getCart(sid: string): Promise<StoredCart> {
    return RedisCartRepository.toStoredCart(Object.entries(await this.redis.hgetall(this.key(sid))));
  }

  /** The cart hash's fields and values (from HGETALL, or paired up from a script's flat reply). */
  private static toStoredCart(fields: [string, string][]): StoredCart {
    const cart: StoredCart = { lines: [], couponCode: null };
    for (const [field, value] of fields) {
      if (field === COUPON_FIELD) cart.couponCode = value;
      else cart.lines.push({ pid: Number(field), quantity: Number(value) });
    }
    return cart;
  }

  incrementLine(sid: string, pid: number, by: number, stock: number): Promise<LineChange> {
    return this.change(sid, pid, 'inc', by, stock);
  }

  setLine(sid: string, pid: number, quantity: number, stock: number): Promise<LineChange> {
    return this.change(sid, pid, 'set', quantity, stock);
  }

  private async change(sid: string, pid: number, mode: 'inc' | 'set', n: number, stock: number): Promise<LineChange> {
    const [status, quantity, hash] = await this.redis.cartChangeLine(this.key(sid), pid, mode, n, stock, this.ttlSeconds, MAX_CART_LINES);
    const fields: [string, string][] = [];
    for (let i = 0; i < hash.length; i += 2) fields.push([hash[i], hash[i + 1]]);
    return { outcome: OUTCOMES[status as 0 | 1 | 2], quantity, cart: RedisCartRepository.toStoredCart(fields) };
  }

  async removeLines(sid: string, pids: number[]): Promise<number> {
    if (pids.length === 0) return 0;
    return this.redis.cartRemoveLines(this.key(sid), this.ttlSeconds, ...pids);
  }

  async setCoupon(sid: string, code: string): Promise<void> {
    await this.redis.multi().hset(this.key(sid), COUPON_FIELD, code).expire(this.key(sid), this.ttlSeconds).exec();
  }

  async removeCoupon(sid: string): Promise<void> {
    await this.redis.multi().hdel(this.key(sid), COUPON_FIELD).expire(this.key(sid), this.ttlSeconds).exec();
  }

  async clear(sid: string): Promise<void> {
    await this.redis.del(this.key(sid));
  }
}
