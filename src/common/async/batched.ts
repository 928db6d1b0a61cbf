/**
 * Hands `write` the items added while no write runs, and all those added during a write to one next
 * write: concurrent callers share one call (one statement, one round trip) instead of one each.
 * `add` resolves once the write that took its item has ended, or rejects with its error.
 */
export class Batched<T> {
  private queued: { item: T; done: (err?: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ item, done: (err) => (err === undefined ? resolve() : reject(err as Error)) });
      if (!this.writing) this.writeQueued();
    });
  }

  private writeQueued(): void {
    const batch = this.queued;
    this.queued = [];
    this.writing = true;
    const settle = (err?: unknown) => {
      for (const b of batch) b.done(err);
      if (this.queued.length > 0) this.writeQueued();
      else this.writing = false;
    };
    Promise.resolve()
      .then(() => this.write(batch.map((b) => b.item)))
      .then(
        () => settle(),
        (err: unknown) => settle(err ?? new Error('the batched write failed')),
      );
  }
}
