/** A login in progress: the nonce the browser that started it holds in an HttpOnly cookie. */
export interface PendingLogin {
  nonce: string;
}

/**
 * Where login states live while the browser is at Facebook: Redis when REDIS_URL is set (any
 * instance can finish a login another one started), else this process's memory. Also the DI token.
 * Both implementations pass test/contracts/login-state-store.contract.ts.
 */
export abstract class LoginStateStore {
  /** Remembers a login state for `ttlSeconds`, bound to the browser (nonce) that started it. */
  abstract save(state: string, login: PendingLogin, ttlSeconds: number): Promise<void>;

  /** What a login state was bound to, once: the state is gone after this. Null if unknown or expired. */
  abstract take(state: string): Promise<PendingLogin | null>;
}
