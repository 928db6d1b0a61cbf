import Redis from 'ioredis';
import { RedisCartRepository } from '../src/cart/redis-cart.repository';
import { cartRepositoryContract } from './contracts/cart-repository.contract';
import { deleteKeys, newTestRedis, uniqueName } from './helpers/test-app';

const prefix = `${uniqueName('cart_repo')}:`;
const clients: Redis[] = [];

cartRepositoryContract('redis', {
  create: (ttl) => {
    const client = newTestRedis(prefix);
    clients.push(client);
    return Promise.resolve(new RedisCartRepository(client, ttl));
  },
  destroy: async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await deleteKeys(prefix);
  },
  elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
});

describe('RedisCartRepository: the stored format', () => {
  let client: Redis;
  let repo: RedisCartRepository;
  beforeAll(() => {
    client = newTestRedis(prefix);
    repo = new RedisCartRepository(client, 3600);
  });
  afterAll(() => client.quit());

  it('a line is one field, `quantity@seen price`, so the price is written in the same step and the count stays one per line', async () => {
    await repo.incrementLine('fmt', 7, 2, 10, 2400);
    await repo.setCoupon('fmt', 'C');
    expect(await client.hgetall('cart:fmt')).toEqual({ '7': '2@2400', coupon: 'C' });
    await repo.recordSeenPrices('fmt', [{ pid: 7, priceCents: 23_760 }]);
    expect(await client.hget('cart:fmt', '7')).toBe('2@23760');
  });

  it('reads lines stored before prices were remembered (a bare quantity) as lines with no seen price', async () => {
    await client.hset('cart:legacy', '5', '3', '6', '1', 'coupon', 'OLD');
    expect(await repo.getCart('legacy')).toEqual({ lines: [{ pid: 5, quantity: 3 }, { pid: 6, quantity: 1 }], couponCode: 'OLD' });
    // a change keeps the quantity and remembers the price it saw; a view's record works too
    expect(await repo.incrementLine('legacy', 5, 1, 10, 999)).toMatchObject({ outcome: 'ok', quantity: 4 });
    await repo.recordSeenPrices('legacy', [{ pid: 6, priceCents: 50 }]);
    expect(await client.hgetall('cart:legacy')).toEqual({ '5': '4@999', '6': '1@50', coupon: 'OLD' });
  });

  it('reads a value it did not write (not digits, or digits@digits) as a line of no known quantity', async () => {
    await client.hset('cart:odd', '1', '2@150', '2', 'x', '3', '2@', '4', '@5', '5', '1@2@3', '6', ' 4');
    const { lines } = await repo.getCart('odd');
    expect(lines).toEqual([{ pid: 1, quantity: 2, seenPriceCents: 150 }, ...[2, 3, 4, 5, 6].map((pid) => ({ pid, quantity: NaN }))]);
  });
});
