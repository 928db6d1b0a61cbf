import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataDirLocked, lockDataDir, LOCK_STALE_MS, LOCK_UPDATE_MS } from '../../src/database/data-dir-lock';

jest.setTimeout(60_000);

/**
 * The DATA_DIR lock must hold across processes and containers sharing a volume, where process ids
 * are not unique: it is a heartbeat (the lock directory's time), not a pid.
 */
describe('DATA_DIR lock', () => {
  let dir: string;
  let lockPath: string;
  const compromised = jest.fn();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cartwheel-lock-'));
    lockPath = path.join(dir, 'pglite.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder at once, naming the first, and lets it in once released', async () => {
    const release = await lockDataDir(lockPath, compromised);
    const started = Date.now();
    await expect(lockDataDir(lockPath, compromised)).rejects.toThrow(new RegExp(`in use by process ${process.pid} on host ${hostname()}`));
    expect(Date.now() - started).toBeLessThan(1000);
    await release();
    expect(existsSync(lockPath)).toBe(false);
    await (await lockDataDir(lockPath, compromised))();
    expect(compromised).not.toHaveBeenCalled();
  });

  it('refuses a fresh lock even when it names this very pid (another container, same pid)', async () => {
    // what a holder in another container looks like from here: a live heartbeat, a pid that happens to be ours
    mkdirSync(lockPath);
    writeFileSync(`${lockPath}.owner`, JSON.stringify({ host: 'other-container', pid: process.pid, since: new Date().toISOString() }));
    await expect(lockDataDir(lockPath, compromised)).rejects.toThrow(DataDirLocked);
    await expect(lockDataDir(lockPath, compromised)).rejects.toThrow(/on host other-container/);
  });

  it('holds against a process that really runs: its heartbeat keeps the lock fresh past the stale time', async () => {
    const child = fork(path.join(__dirname, '../helpers/lock-holder.ts'), [lockPath], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      await new Promise((r) => setTimeout(r, LOCK_STALE_MS + 1500));
      await expect(lockDataDir(lockPath, compromised)).rejects.toThrow(new RegExp(`in use by process ${child.pid}`));
      // killed without releasing (a container gone): at once its lock still looks alive and is refused;
      // once it has missed two refreshes, a start waits for it to go stale and takes it
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await expect(lockDataDir(lockPath, compromised)).rejects.toThrow(DataDirLocked);
      await new Promise((r) => setTimeout(r, 2 * LOCK_UPDATE_MS + 500));
      const started = Date.now();
      const release = await lockDataDir(lockPath, compromised);
      expect(Date.now() - started).toBeLessThan(LOCK_STALE_MS + 2000);
      await release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a holder that stopped refreshing it', async () => {
    mkdirSync(lockPath);
    const old = (Date.now() - LOCK_STALE_MS - 1000) / 1000;
    utimesSync(lockPath, old, old);
    const started = Date.now();
    const release = await lockDataDir(lockPath, compromised);
    expect(Date.now() - started).toBeLessThan(2000);
    await release();
  });

  it('replaces the plain pid file older versions left', async () => {
    writeFileSync(lockPath, '12345');
    await (await lockDataDir(lockPath, compromised))();
  });
});
