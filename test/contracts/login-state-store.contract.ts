import { LoginStateStore } from '../../src/auth/login-state.store';
import { RevokedTokens } from '../../src/access/revoked-tokens';

let n = 0;
const unique = (name: string) => `${name}-${process.pid}-${Date.now()}-${++n}`;

/** The behaviour every LoginStateStore must have; run against memory (fake clock) and Redis. */
export function loginStateStoreContract(name: string, create: () => Promise<LoginStateStore>, elapse: (ms: number) => Promise<void>): void {
  describe(`LoginStateStore contract: ${name}`, () => {
    let store: LoginStateStore;
    beforeAll(async () => {
      store = await create();
    });

    it('gives a state back once, then never again', async () => {
      const state = unique('state');
      await store.save(state, { nonce: 'n1' }, 60);
      expect(await store.take(state)).toEqual({ nonce: 'n1' });
      expect(await store.take(state)).toBeNull();
      expect(await store.take(unique('never-saved'))).toBeNull();
    });

    it('gives a state to exactly one of several racing takers', async () => {
      const state = unique('race');
      await store.save(state, { nonce: 'n' }, 60);
      const taken = await Promise.all(Array.from({ length: 10 }, () => store.take(state)));
      expect(taken.filter((s) => s !== null)).toHaveLength(1);
    });

    it('forgets a state after its TTL', async () => {
      const state = unique('ttl');
      await store.save(state, { nonce: 'n' }, 1);
      await elapse(1300);
      expect(await store.take(state)).toBeNull();
    });
  });
}

/** The behaviour every RevokedTokens store must have. */
export function revokedTokensContract(name: string, create: () => Promise<RevokedTokens>, elapse: (ms: number) => Promise<void>): void {
  describe(`RevokedTokens contract: ${name}`, () => {
    let store: RevokedTokens;
    beforeAll(async () => {
      store = await create();
    });

    it('refuses a revoked id until its TTL, and only that id', async () => {
      const jti = unique('jti');
      expect(await store.isRevoked(jti)).toBe(false);
      await store.revoke(jti, 1);
      expect(await store.isRevoked(jti)).toBe(true);
      expect(await store.isRevoked(unique('other'))).toBe(false);
      await elapse(1300);
      expect(await store.isRevoked(jti)).toBe(false);
    });

    it('keeps an id at least a second even when the token is about to expire', async () => {
      const jti = unique('late');
      await store.revoke(jti, 0);
      expect(await store.isRevoked(jti)).toBe(true);
    });
  });
}
