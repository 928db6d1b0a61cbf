/**
 * Where login state and session links live: Redis when REDIS_URL is set (any instance can finish
 * a login another one started), else this process's memory. Also the DI token.
 * Both implementations pass test/contracts/session-store.contract.ts.
 */
export abstract class SessionStore {
  /** Remembers a login state for `ttlSeconds`, bound to the session that started the login. */
  abstract saveLoginState(state: string, sid: string, ttlSeconds: number): Promise<void>;

  /** The session a login state was bound to, once: the state is gone after this. Null if unknown or expired. */
  abstract takeLoginState(state: string): Promise<string | null>;

  /** Links a session to a user for `ttlSeconds`. */
  abstract linkSession(sid: string, userId: number, ttlSeconds: number): Promise<void>;

  abstract unlinkSession(sid: string): Promise<void>;

  /** The user a session is linked to, or null; a link in use is kept for another `ttlSeconds`. */
  abstract userForSession(sid: string, ttlSeconds: number): Promise<number | null>;
}
