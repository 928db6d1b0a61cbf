import { SessionStore } from '../../src/auth/session.store';

/** The behaviour every SessionStore must have; run by the in-memory and the Redis specs. */
export function sessionStoreContract(name: string, create: () => Promise<SessionStore>, destroy: () => Promise<void>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;
    let n = 0;
    const unique = (p: string) => `${p}-${process.pid}-${Date.now()}-${++n}`;

    beforeAll(async () => {
      store = await create();
    });
    afterAll(() => destroy());

    it('hands a login state back once, then never again', async () => {
      const state = unique('state');
      await store.saveLoginState(state, { sid: 'sid-1', nonce: 'n1' }, 60);
      expect(await store.takeLoginState(state)).toEqual({ sid: 'sid-1', nonce: 'n1' });
      expect(await store.takeLoginState(state)).toBeNull();
      expect(await store.takeLoginState(unique('never-saved'))).toBeNull();
    });

    it('lets only one of many racing takers have a state', async () => {
      const state = unique('state');
      await store.saveLoginState(state, { sid: 'sid-race', nonce: 'n' }, 60);
      const taken = await Promise.all(Array.from({ length: 10 }, () => store.takeLoginState(state)));
      expect(taken.filter((s) => s?.sid === 'sid-race')).toHaveLength(1);
    });

    it('forgets a login state after its TTL', async () => {
      const state = unique('state');
      await store.saveLoginState(state, { sid: 'sid-2', nonce: 'n' }, 1);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await store.takeLoginState(state)).toBeNull();
    });

    it('keeps a link in use alive: each lookup restarts its TTL', async () => {
      const sid = unique('sid');
      await store.linkSession(sid, 5, 1);
      await new Promise((r) => setTimeout(r, 600));
      expect(await store.userForSession(sid, 1)).toBe(5);
      await new Promise((r) => setTimeout(r, 600));
      expect(await store.userForSession(sid, 1)).toBe(5);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await store.userForSession(sid, 1)).toBeNull();
    });

    it('links, relinks and unlinks a session', async () => {
      const sid = unique('sid');
      expect(await store.userForSession(sid, 60)).toBeNull();
      await store.linkSession(sid, 42, 60);
      expect(await store.userForSession(sid, 60)).toBe(42);
      await store.linkSession(sid, 7, 60);
      expect(await store.userForSession(sid, 60)).toBe(7);
      await store.unlinkSession(sid);
      expect(await store.userForSession(sid, 60)).toBeNull();
    });
  });
}
