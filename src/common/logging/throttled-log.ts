/**
 * At most one log line per kind of event per interval: the first occurrence is written at once,
 * the repeats within the interval are counted and written as one line when it ends. So an outage
 * that fails a thousand requests a second logs two lines a second, not a thousand.
 */
export class ThrottledLog {
  private readonly open = new Map<string, { message: string; repeats: number }>();

  constructor(
    private readonly write: (message: string, fields?: Record<string, unknown>) => void,
    private readonly intervalMs = 1000,
  ) {}

  /**
   * Records one occurrence of `kind`; `message` describes it (the latest one is used for the count
   * line). `fields` (e.g. the request's id) go with the line written at once, not with the count line.
   */
  note(kind: string, message: string, fields?: Record<string, unknown>): void {
    const window = this.open.get(kind);
    if (window) {
      window.repeats += 1;
      window.message = message;
      return;
    }
    this.write(message, fields);
    this.startWindow(kind, message);
  }

  private startWindow(kind: string, message: string): void {
    const window = { message, repeats: 0 };
    this.open.set(kind, window);
    setTimeout(() => {
      this.open.delete(kind);
      if (window.repeats === 0) return;
      this.write(`${window.message} (x${window.repeats} in the last ${this.intervalMs / 1000} s)`);
      this.startWindow(kind, window.message); // the next line comes an interval later at the earliest
    }, this.intervalMs).unref();
  }
}
