import { PendingLogin, SessionStore } from './session.store';

/** The embedded default's store: this process's memory, single instance only, lost on restart. */
export class InMemorySessionStore extends SessionStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  private put(key: string, value: string, ttlSeconds: number): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    if (this.entries.size % 1000 === 0) this.sweep();
  }

  private get(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  saveLoginState(state: string, login: PendingLogin, ttlSeconds: number): Promise<void> {
    this.put(`login:${state}`, JSON.stringify(login), ttlSeconds);
    return Promise.resolve();
  }

  takeLoginState(state: string): Promise<PendingLogin | null> {
    const value = this.get(`login:${state}`);
    this.entries.delete(`login:${state}`);
    return Promise.resolve(value === null ? null : (JSON.parse(value) as PendingLogin));
  }

  linkSession(sid: string, userId: number, ttlSeconds: number): Promise<void> {
    this.put(`session:${sid}`, String(userId), ttlSeconds);
    return Promise.resolve();
  }

  unlinkSession(sid: string): Promise<void> {
    this.entries.delete(`session:${sid}`);
    return Promise.resolve();
  }

  userForSession(sid: string, ttlSeconds: number): Promise<number | null> {
    const id = this.get(`session:${sid}`);
    if (id !== null) this.put(`session:${sid}`, id, ttlSeconds);
    return Promise.resolve(id === null ? null : Number(id));
  }
}
