import type Redis from 'ioredis';
import { PendingLogin, SessionStore } from './session.store';

/** Login states as `login:{state}` and session links as `session:{sid}`, under the client's key prefix. */
export class RedisSessionStore extends SessionStore {
  constructor(private readonly redis: Redis) {
    super();
  }

  async saveLoginState(state: string, login: PendingLogin, ttlSeconds: number): Promise<void> {
    await this.redis.set(`login:${state}`, JSON.stringify(login), 'EX', ttlSeconds);
  }

  async takeLoginState(state: string): Promise<PendingLogin | null> {
    const value = await this.redis.getdel(`login:${state}`);
    return value === null ? null : (JSON.parse(value) as PendingLogin);
  }

  async linkSession(sid: string, userId: number, ttlSeconds: number): Promise<void> {
    await this.redis.set(`session:${sid}`, String(userId), 'EX', ttlSeconds);
  }

  async unlinkSession(sid: string): Promise<void> {
    await this.redis.del(`session:${sid}`);
  }

  async userForSession(sid: string, ttlSeconds: number): Promise<number | null> {
    const id = await this.redis.getex(`session:${sid}`, 'EX', ttlSeconds);
    return id === null ? null : Number(id);
  }
}
