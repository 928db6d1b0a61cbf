import { InMemoryRevokedTokens, RedisRevokedTokens } from '../src/access/revoked-tokens';
import { InMemoryLoginStateStore } from '../src/auth/in-memory-login-state.store';
import { RedisLoginStateStore } from '../src/auth/redis-login-state.store';
import { loginStateStoreContract, revokedTokensContract } from './contracts/login-state-store.contract';
import { deleteKeys, newTestRedis, uniqueName } from './helpers/test-app';
import { sleep } from './helpers/load';

let now = Date.now();
const fakeClock = () => now;
const advance = (ms: number) => {
  now += ms;
  return Promise.resolve();
};

loginStateStoreContract('in-memory', () => Promise.resolve(new InMemoryLoginStateStore(fakeClock)), advance);
revokedTokensContract('in-memory', () => Promise.resolve(new InMemoryRevokedTokens(fakeClock)), advance);

describe('Redis', () => {
  const prefix = `${uniqueName('login_state')}:`;
  const client = newTestRedis(prefix);
  afterAll(async () => {
    await client.quit();
    await deleteKeys(prefix);
  });
  loginStateStoreContract('redis', () => Promise.resolve(new RedisLoginStateStore(client)), sleep);
  revokedTokensContract('redis', () => Promise.resolve(new RedisRevokedTokens(client)), sleep);
});
