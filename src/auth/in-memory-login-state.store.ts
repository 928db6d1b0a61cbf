import { LoginStateStore, PendingLogin } from './login-state.store';

/** The embedded default's store: this process's memory, single instance only, lost on restart. */
export class InMemoryLoginStateStore extends LoginStateStore {
  private readonly entries = new Map<string, { login: PendingLogin; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  save(state: string, login: PendingLogin, ttlSeconds: number): Promise<void> {
    if (this.entries.size % 1000 === 999) this.sweep();
    this.entries.set(state, { login, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  take(state: string): Promise<PendingLogin | null> {
    const entry = this.entries.get(state);
    this.entries.delete(state);
    return Promise.resolve(entry && entry.expiresAt > this.now() ? entry.login : null);
  }

  private sweep(): void {
    const now = this.now();
    for (const [state, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(state);
  }
}
