/**
 * Where login state and session links live: Redis when REDIS_URL is set (any instance can finish
 * a login another one started), else this process's memory. Also the DI token.
 * Both implementations pass test/contracts/session-store.contract.ts.
 */
/** A login in progress: the session it will link, and the nonce the starting browser holds in a cookie. */
export interface PendingLogin {
  sid: string;
  nonce: string;
}

export abstract class SessionStore {
  /** Remembers a login state for `ttlSeconds`, bound to the session and the browser (nonce) that started it. */
  abstract saveLoginState(state: string, login: PendingLogin, ttlSeconds: number): Promise<void>;

  /** What a login state was bound to, once: the state is gone after this. Null if unknown or expired. */
  abstract takeLoginState(state: string): Promise<PendingLogin | null>;

  /** Links a session to a user for `ttlSeconds`. */
  abstract linkSession(sid: string, userId: number, ttlSeconds: number): Promise<void>;

  abstract unlinkSession(sid: string): Promise<void>;

  /** The user a session is linked to, or null; a link in use is kept for another `ttlSeconds`. */
  abstract userForSession(sid: string, ttlSeconds: number): Promise<number | null>;
}
