import { ThrottledLog } from '../../src/common/logging/throttled-log';

describe('ThrottledLog: one line per kind per second, with a count', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the first at once, then the repeats of each second as one line', () => {
    const lines: string[] = [];
    const log = new ThrottledLog((m) => lines.push(m));
    for (let i = 0; i < 500; i++) log.note('db', 'database_unavailable: ECONNREFUSED');
    log.note('redis', 'cart_store_unavailable: Command timed out');
    expect(lines).toEqual(['database_unavailable: ECONNREFUSED', 'cart_store_unavailable: Command timed out']);
    jest.advanceTimersByTime(1000);
    expect(lines).toEqual(['database_unavailable: ECONNREFUSED', 'cart_store_unavailable: Command timed out', 'database_unavailable: ECONNREFUSED (x499 in the last 1 s)']);
    for (let i = 0; i < 30; i++) log.note('db', 'database_unavailable: ECONNREFUSED');
    expect(lines).toHaveLength(3); // still within a second of the last line
    jest.advanceTimersByTime(1000);
    expect(lines[3]).toBe('database_unavailable: ECONNREFUSED (x30 in the last 1 s)');
  });

  it('after a quiet second, the next occurrence is written at once again', () => {
    const lines: string[] = [];
    const log = new ThrottledLog((m) => lines.push(m));
    log.note('k', 'a');
    jest.advanceTimersByTime(1000);
    jest.advanceTimersByTime(1000);
    log.note('k', 'b');
    expect(lines).toEqual(['a', 'b']);
  });
});
