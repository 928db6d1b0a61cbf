import { InMemoryCartRepository } from '../src/cart/in-memory-cart.repository';
import { cartRepositoryContract } from './contracts/cart-repository.contract';

const created: InMemoryCartRepository[] = [];

cartRepositoryContract('in-memory', {
  create: (ttl) => {
    const repo = new InMemoryCartRepository(ttl);
    created.push(repo);
    return Promise.resolve(repo);
  },
  destroy: () => {
    created.forEach((r) => r.onModuleDestroy());
    return Promise.resolve();
  },
});
