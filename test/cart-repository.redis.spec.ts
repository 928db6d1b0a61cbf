import Redis from 'ioredis';
import { RedisCartRepository } from '../src/cart/redis-cart.repository';
import { cartRepositoryContract } from './contracts/cart-repository.contract';
import { deleteKeys, TEST_REDIS_URL, uniqueName } from './helpers/test-app';

const prefix = `${uniqueName('cart_repo')}:`;
const clients: Redis[] = [];

cartRepositoryContract('redis', {
  create: (ttl) => {
    const client = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    clients.push(client);
    return Promise.resolve(new RedisCartRepository(client, ttl));
  },
  destroy: async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await deleteKeys(prefix);
  },
  elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
});
