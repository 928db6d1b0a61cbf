import pg from 'pg';

/** SQLSTATEs with which a server turns a new connection away for now: no free slot (53300), starting up (57P03). */
const NO_SLOT_NOW = new Set(['53300', '57P03']);
const READ_TIMEOUT = 'Query read timeout';

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * pg's pool, bounded by `connectionTimeoutMillis` in all (DATABASE_POOL_TIMEOUT_MS):
 * - when all its connections are busy, a request waits for one that long at most (as pg-pool does);
 * - when the server refuses a new connection for lack of slots ("too many clients", 53300) or because
 *   it is starting up (57P03), it tries again, with one of its own connections released meanwhile
 *   or a new one, until that time is up, instead of failing at once;
 * - a query unanswered `query_timeout` after it was sent fails, and its connection is closed rather
 *   than returned to the pool with the query (maybe a transaction) still running on it. Postgres
 *   rolls back what it was doing; the next request gets a fresh connection.
 */
class BoundedWaitPool extends pg.Pool {
  private readonly waitMs: number;

  constructor(options?: pg.PoolConfig) {
    super(options);
    this.waitMs = this.options.connectionTimeoutMillis ?? 0;
    this.on('connect', closeOnReadTimeout);
  }

  connect(): Promise<pg.PoolClient>;
  connect(callback: ConnectCallback): void;
  connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const acquired = this.acquire(Date.now() + this.waitMs);
    if (!callback) return acquired;
    acquired.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (err: Error) => callback(err, undefined, () => undefined),
    );
  }

  private async acquire(deadline: number): Promise<pg.PoolClient> {
    for (let pause = 25; ; pause = Math.min(pause * 2, 100)) {
      try {
        return await this.connectWithin(deadline - Date.now());
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (!this.waitMs || typeof code !== 'string' || !NO_SLOT_NOW.has(code) || Date.now() + pause >= deadline) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  /** pg-pool's connect, its wait bounded by what is left of ours (pg-pool reads the option synchronously). */
  private connectWithin(ms: number): Promise<pg.PoolClient> {
    if (!this.waitMs) return super.connect();
    const configured = this.options.connectionTimeoutMillis;
    this.options.connectionTimeoutMillis = Math.max(1, ms);
    try {
      return super.connect();
    } finally {
      this.options.connectionTimeoutMillis = configured;
    }
  }
}

/** After a read timeout the server may still be running the query: close the connection, never reuse it. */
function closeOnReadTimeout(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        if (err instanceof Error && err.message === READ_TIMEOUT) client.connection.stream.destroy();
      });
    }
    return result;
  }) as typeof client.query;
}

/** The `pg` module with the pool above, for TypeORM's `driver` option. */
export const pgDriver: typeof pg = Object.assign(Object.create(pg) as typeof pg, { Pool: BoundedWaitPool });
