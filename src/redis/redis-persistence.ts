import type Redis from 'ioredis';

/**
 * What the Redis server does to survive a restart, read at start-up: `CONFIG GET`, or `INFO
 * persistence` where CONFIG is disabled (renamed away, or refused by an ACL, as managed services do).
 * Resolves with a warning to log when carts would not survive a restart, or null when they would.
 */
export async function persistenceWarning(redis: Pick<Redis, 'config' | 'info'>, name: string): Promise<string | null> {
  const advice = 'set appendonly yes and appendfsync everysec (README, "Failure behaviour")';
  let aof: boolean;
  let fsync: string | undefined;
  let snapshots: boolean | undefined;
  try {
    const settings = toMap((await redis.config('GET', 'append*')) as string[]);
    aof = settings.get('appendonly') === 'yes';
    fsync = settings.get('appendfsync');
    snapshots = toMap((await redis.config('GET', 'save')) as string[]).get('save') !== '';
  } catch {
    try {
      const info = await redis.info('persistence');
      aof = /^aof_enabled:1\r?$/m.test(info);
    } catch (err) {
      return `Could not tell whether Redis at ${name} persists carts (${err instanceof Error ? err.message : String(err)}); ${advice}`;
    }
  }
  if (!aof) {
    const rdb = snapshots === undefined ? '' : snapshots ? '; only periodic RDB snapshots' : ' and no RDB snapshots';
    return `Redis at ${name} has no append-only file${rdb}: carts written since the last save are lost when it restarts; ${advice}`;
  }
  if (fsync === 'no') return `Redis at ${name} has appendfsync no: the carts of the last ~30 s can be lost when its host crashes; ${advice}`;
  return null;
}

/** CONFIG GET's flat [name, value, ...] reply as a map. */
function toMap(reply: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(reply[i], reply[i + 1]);
  return map;
}
