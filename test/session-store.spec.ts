import Redis from 'ioredis';
import { InMemorySessionStore } from '../src/auth/in-memory-session.store';
import { RedisSessionStore } from '../src/auth/redis-session.store';
import { sessionStoreContract } from './contracts/session-store.contract';
import { deleteKeys, TEST_REDIS_URL, uniqueName } from './helpers/test-app';

sessionStoreContract('in-memory', () => Promise.resolve(new InMemorySessionStore()), () => Promise.resolve());

const prefix = `${uniqueName('session_store')}:`;
let client: Redis;
sessionStoreContract(
  'redis',
  () => {
    client = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    return Promise.resolve(new RedisSessionStore(client));
  },
  async () => {
    await client.quit();
    await deleteKeys(prefix);
  },
);
