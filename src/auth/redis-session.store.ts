import type Redis from 'ioredis';
import { SessionStore } from './session.store';

/** Login states as `login:{state}` and session links as `session:{sid}`, under the client's key prefix. */
export class RedisSessionStore extends SessionStore {
  constructor(private readonly redis: Redis) {
    super();
  }

  async saveLoginState(state: string, sid: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`login:${state}`, sid, 'EX', ttlSeconds);
  }

  takeLoginState(state: string): Promise<string | null> {
    return this.redis.getdel(`login:${state}`);
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
