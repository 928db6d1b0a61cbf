import type { RedisClient } from '../redis/redis.module';
import { LoginStateStore, PendingLogin } from './login-state.store';

/** Login states as `login:{state}` (single use: GETDEL), under the client's key prefix. */
export class RedisLoginStateStore extends LoginStateStore {
  constructor(private readonly redis: RedisClient) {
    super();
  }

  async save(state: string, login: PendingLogin, ttlSeconds: number): Promise<void> {
    await this.redis.set(`login:${state}`, JSON.stringify(login), 'EX', ttlSeconds);
  }

  async take(state: string): Promise<PendingLogin | null> {
    const value = await this.redis.getdel(`login:${state}`);
    return value === null ? null : (JSON.parse(value) as PendingLogin);
  }
}
