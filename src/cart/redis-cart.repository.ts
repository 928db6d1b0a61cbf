import type { RedisClient } from '../redis/redis.module';
import { type Cents, MAX_TOTAL_CENTS } from '../common/money';
import { CartRepository, LineChange, MAX_CART_LINES, SeenPrice, StoredCart } from './cart.repository';

/** The hash field holding the coupon code; every other field is a product id. */
const COUPON_FIELD = 'coupon';

/**
 * A line's value: `<quantity>@<seen price in cents>`, or a bare `<quantity>` (stored before prices
 * were remembered). Quantity and price share one field, so every step that writes a line writes its
 * price atomically with it, removing a line removes its price, and the line count is the field count.
 * Both parts are digits only (DIGITS).
 */
const DIGITS = /^\d+$/;

/**
 * One round trip, one atomic step: read the line, apply the change, check it against the stock,
 * the line limit and the value limit, write it and refresh the TTL. Returns {status, quantity, the
 * cart's hash}: 1 ok (quantity after), 0 insufficient stock, 2 cart full, 3 too large (quantity
 * unchanged). The value check runs only when the line grows: this line at ARGV price, the others at
 * their seen price, stopping as soon as the sum passes maxValue (so every sum it compares is exact).
 * KEYS[1] cart hash; ARGV pid, mode ('inc'|'set'), n, stock, ttl, maxLines, price, maxValue.
 */
const CHANGE_LINE_LUA = `
local key, pid, price = KEYS[1], ARGV[1], ARGV[7]
local n, stock, ttl, maxLines, maxValue = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[8])
local cur, seen = 0, nil
local raw = redis.call('HGET', key, pid)
if raw then
  local q, p = string.match(raw, '^(%d+)@?(%d*)$')
  cur = tonumber(q) or 0
  if p and p ~= '' then seen = p end
end
local want = n
if ARGV[2] == 'inc' then want = cur + n end
if want <= 0 then
  if raw then
    redis.call('HDEL', key, pid)
    redis.call('EXPIRE', key, ttl)
  end
  return {1, 0, redis.call('HGETALL', key)}
end
if want > stock then return {0, cur, redis.call('HGETALL', key)} end
if cur == 0 and redis.call('HLEN', key) - redis.call('HEXISTS', key, 'coupon') >= maxLines then return {2, cur, redis.call('HGETALL', key)} end
local all = nil
if want > cur then
  local value = want * tonumber(price)
  all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    if value > maxValue then break end
    if all[i] ~= 'coupon' and all[i] ~= pid then
      local q, p = string.match(all[i + 1], '^(%d+)@?(%d*)$')
      if q and p and p ~= '' then value = value + tonumber(q) * tonumber(p) end
    end
  end
  if value > maxValue then return {3, cur, all} end
end
local line = want .. '@' .. (seen or price)
redis.call('HSET', key, pid, line)
redis.call('EXPIRE', key, ttl)
if not all then return {1, want, redis.call('HGETALL', key)} end
-- the hash as read above with this line written: no second HGETALL (the reader does not rely on field order)
for i = 1, #all, 2 do
  if all[i] == pid then
    all[i + 1] = line
    return {1, want, all}
  end
end
all[#all + 1] = pid
all[#all + 1] = line
return {1, want, all}
`;

/** KEYS[1] cart hash; ARGV ttl, pid... Removes the lines, refreshes the TTL if the cart remains, returns the count removed. */
const REMOVE_LINES_LUA = `
local removed = redis.call('HDEL', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return removed
`;

/** KEYS[1] cart hash; ARGV ttl, pid, price, pid, price... Sets the seen price of the lines that exist; returns how many. */
const RECORD_PRICES_LUA = `
local recorded = 0
for i = 2, #ARGV, 2 do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw then
    redis.call('HSET', KEYS[1], ARGV[i], string.match(raw, '^(%d+)') .. '@' .. ARGV[i + 1])
    recorded = recorded + 1
  end
end
if recorded > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return recorded
`;

type CartCommands = RedisClient & {
  cartChangeLine(
    key: string, pid: number, mode: 'inc' | 'set', n: number, stock: number, ttl: number, maxLines: number, price: Cents, maxValue: Cents,
  ): Promise<[number, number, string[]]>;
  cartRemoveLines(key: string, ttl: number, ...pids: number[]): Promise<number>;
  cartRecordPrices(key: string, ttl: number, ...pidsAndPrices: number[]): Promise<number>;
};

const OUTCOMES = { 0: 'insufficient_stock', 1: 'ok', 2: 'cart_full', 3: 'too_large' } as const;

/** Carts as Redis hashes `cart:{sid}` (field pid, value `quantity@seen price`; field `coupon`), under the client's key prefix. */
export class RedisCartRepository extends CartRepository {
  private readonly redis: CartCommands;

  constructor(redis: RedisClient, private readonly ttlSeconds: number) {
    super();
    if (!('cartChangeLine' in redis)) {
      redis.defineCommand('cartChangeLine', { numberOfKeys: 1, lua: CHANGE_LINE_LUA });
      redis.defineCommand('cartRemoveLines', { numberOfKeys: 1, lua: REMOVE_LINES_LUA });
      redis.defineCommand('cartRecordPrices', { numberOfKeys: 1, lua: RECORD_PRICES_LUA });
    }
    this.redis = redis as CartCommands;
  }

  private key(sid: string): string {
    return `cart:${sid}`;
  }

  async getCart(sid: string): Promise<StoredCart> {
    const hash = await this.redis.hgetall(this.key(sid));
    const cart: StoredCart = { lines: [], couponCode: null };
    for (const field of Object.keys(hash)) RedisCartRepository.addField(cart, field, hash[field]);
    return cart;
  }

  /** One field of the cart hash into `cart`: the coupon, or a line (an unreadable value gives quantity NaN). */
  private static addField(cart: StoredCart, field: string, value: string): void {
    if (field === COUPON_FIELD) {
      cart.couponCode = value;
      return;
    }
    const at = value.indexOf('@');
    const quantity = at < 0 ? value : value.slice(0, at);
    const seen = at < 0 ? undefined : value.slice(at + 1);
    if (!DIGITS.test(quantity) || (seen !== undefined && !DIGITS.test(seen))) cart.lines.push({ pid: Number(field), quantity: NaN });
    else if (seen === undefined) cart.lines.push({ pid: Number(field), quantity: Number(quantity) });
    else cart.lines.push({ pid: Number(field), quantity: Number(quantity), seenPriceCents: Number(seen) });
  }

  incrementLine(sid: string, pid: number, by: number, stock: number, priceCents: Cents): Promise<LineChange> {
    return this.change(sid, pid, 'inc', by, stock, priceCents);
  }

  setLine(sid: string, pid: number, quantity: number, stock: number, priceCents: Cents): Promise<LineChange> {
    return this.change(sid, pid, 'set', quantity, stock, priceCents);
  }

  private async change(sid: string, pid: number, mode: 'inc' | 'set', n: number, stock: number, priceCents: Cents): Promise<LineChange> {
    const [status, quantity, hash] = await this.redis.cartChangeLine(this.key(sid), pid, mode, n, stock, this.ttlSeconds, MAX_CART_LINES, priceCents, MAX_TOTAL_CENTS);
    const cart: StoredCart = { lines: [], couponCode: null };
    for (let i = 0; i < hash.length; i += 2) RedisCartRepository.addField(cart, hash[i], hash[i + 1]);
    return { outcome: OUTCOMES[status as 0 | 1 | 2 | 3], quantity, cart };
  }

  async removeLines(sid: string, pids: number[]): Promise<number> {
    if (pids.length === 0) return 0;
    return this.redis.cartRemoveLines(this.key(sid), this.ttlSeconds, ...pids);
  }

  async recordSeenPrices(sid: string, prices: SeenPrice[]): Promise<void> {
    if (prices.length === 0) return;
    await this.redis.cartRecordPrices(this.key(sid), this.ttlSeconds, ...prices.flatMap((p) => [p.pid, p.priceCents]));
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
