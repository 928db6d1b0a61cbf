import type { RedisClient } from '../redis/redis.module';

/**
 * Token ids (`jti`) revoked by a logout, each kept until the token would have expired anyway.
 * Redis when REDIS_URL is set (a logout holds on every instance), else this process's memory.
 * Also the DI token. Both pass revokedTokensContract (test/contracts/login-state-store.contract.ts).
 */
export abstract class RevokedTokens {
  /** Refuses the token id for `ttlSeconds` (at least 1 s). */
  abstract revoke(jti: string, ttlSeconds: number): Promise<void>;

  abstract isRevoked(jti: string): Promise<boolean>;
}

/** `revoked:{jti}` keys with a TTL, under the client's key prefix. */
export class RedisRevokedTokens extends RevokedTokens {
  constructor(private readonly redis: RedisClient) {
    super();
  }

  async revoke(jti: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`revoked:${jti}`, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.redis.exists(`revoked:${jti}`)) === 1;
  }
}

/** The embedded default's twin: single instance only, forgotten on restart. */
export class InMemoryRevokedTokens extends RevokedTokens {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  revoke(jti: string, ttlSeconds: number): Promise<void> {
    const now = this.now();
    if (this.until.size % 1000 === 999) for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
    this.until.set(jti, now + Math.max(1, Math.ceil(ttlSeconds)) * 1000);
    return Promise.resolve();
  }

  isRevoked(jti: string): Promise<boolean> {
    const t = this.until.get(jti);
    if (t !== undefined && t <= this.now()) this.until.delete(jti);
    return Promise.resolve(t !== undefined && t > this.now());
  }
}
