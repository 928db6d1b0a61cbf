import { InMemoryCartRepository } from '../src/cart/in-memory-cart.repository';
import { cartRepositoryContract } from './contracts/cart-repository.contract';

const created: InMemoryCartRepository[] = [];
/** The in-memory store runs on a fake clock: its expiry tests take no time. */
let now = Date.now();

cartRepositoryContract('in-memory', {
  create: (ttl) => {
    const repo = new InMemoryCartRepository(ttl, () => now);
    created.push(repo);
    return Promise.resolve(repo);
  },
  destroy: () => {
    created.forEach((r) => r.onModuleDestroy());
    return Promise.resolve();
  },
  elapse: (ms) => {
    now += ms;
    return Promise.resolve();
  },
});
