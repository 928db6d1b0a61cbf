import { Batched } from '../../src/common/async/batched';

describe('Batched', () => {
  it('writes the first item at once and everything added during that write in one next write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const batched = new Batched<number>((items) => {
      writes.push(items);
      return writes.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    });
    const first = batched.add(1);
    await Promise.resolve();
    const later = [batched.add(2), batched.add(3), batched.add(4)];
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([[1]]); // 2-4 wait for the write in flight
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects the callers of a failed write, and writes what comes next', async () => {
    let fail = true;
    const batched = new Batched<string>(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve()));
    await expect(batched.add('a')).rejects.toThrow('down');
    fail = false;
    await expect(batched.add('b')).resolves.toBeUndefined();
  });
});
