import { lstatSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

/** A live holder refreshes the lock's time every UPDATE_MS; one not refreshed for STALE_MS is taken over. */
export const LOCK_UPDATE_MS = 2_000;
export const LOCK_STALE_MS = 10_000;

interface Owner {
  host: string;
  pid: number;
  since: string;
}

export class DataDirLocked extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The DATA_DIR lock: one process at a time, across processes and containers sharing the volume.
 * It is a directory (`mkdir` is atomic on every local and network file system) whose modification
 * time the holder refreshes every 2 s (proper-lockfile); a process id alone is not unique across
 * containers. A holder that stopped refreshing (killed, its container gone) leaves a stale lock,
 * taken over once 10 s old: a start that finds one waits for that, while a fresh lock is refused at
 * once. If the holder finds its lock taken or gone (its event loop stalled past 10 s), it stops
 * the process rather than write beside another one.
 */
export async function lockDataDir(lockPath: string, onCompromised: (err: Error) => void): Promise<() => Promise<void>> {
  removeLegacyLockFile(lockPath);
  const options: lockfile.LockOptions = { lockfilePath: lockPath, realpath: false, stale: LOCK_STALE_MS, update: LOCK_UPDATE_MS, retries: 0, onCompromised };
  const target = path.dirname(lockPath);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const age = lockAgeMs(lockPath);
    // not refreshed for two beats: its holder is most likely gone; wait until the lock is stale
    if (age === null || age < 2 * LOCK_UPDATE_MS) throw refusal(lockPath);
    await sleep(Math.max(0, LOCK_STALE_MS - age) + 500);
    try {
      release = await lockfile.lock(target, options);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw refusal(lockPath);
      throw again;
    }
  }
  const owner: Owner = { host: hostname(), pid: process.pid, since: new Date().toISOString() };
  writeFileSync(ownerFile(lockPath), JSON.stringify(owner));
  return async () => {
    rmSync(ownerFile(lockPath), { force: true });
    await release();
  };
}

/** Who holds it, for the refusal message: beside the lock directory, which must stay empty. */
const ownerFile = (lockPath: string) => `${lockPath}.owner`;

function lockAgeMs(lockPath: string): number | null {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    return null;
  }
}

function refusal(lockPath: string): DataDirLocked {
  let holder = 'another process';
  try {
    const owner = JSON.parse(readFileSync(ownerFile(lockPath), 'utf8')) as Owner;
    holder = `process ${owner.pid} on host ${owner.host} (since ${owner.since})`;
  } catch {
    // written just after the lock is taken: a holder still starting may have none yet
  }
  return new DataDirLocked(
    `The embedded database in ${path.dirname(lockPath)} is in use by ${holder}; stop it first or set DATA_DIR. ` +
      `(If that process is gone, its lock ${lockPath} expires ${LOCK_STALE_MS / 1000} s after its last refresh.)`,
  );
}

/** Versions before this lock kept a plain file holding a pid at the same path; it means nothing now. */
function removeLegacyLockFile(lockPath: string): void {
  try {
    if (lstatSync(lockPath).isFile()) rmSync(lockPath, { force: true });
  } catch {
    // no lock there
  }
}
