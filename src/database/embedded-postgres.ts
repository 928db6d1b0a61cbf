import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock';

/**
 * Embedded Postgres for `npm start` without DATABASE_URL: PGlite persisted under DATA_DIR, served
 * on a private Unix socket so the app talks to it through the same `pg` driver as a real server.
 * PGlite runs one query at a time, so the pool must have one connection. One process per DATA_DIR,
 * across processes and containers sharing it: a lock refuses a second one (two PGlite instances on
 * one folder would corrupt it; see data-dir-lock.ts).
 */
export class EmbeddedPostgres {
  private static readonly logger = new Logger('EmbeddedPostgres');

  private constructor(
    readonly socketDir: string,
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly unlock: () => Promise<void>,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const dbDir = path.join(dataDir, 'pglite');
    mkdirSync(dbDir, { recursive: true });
    const unlock = await lockDataDir(path.join(dataDir, 'pglite.lock'), (err) => {
      // another process took the lock: writing on beside it would corrupt the database
      EmbeddedPostgres.logger.fatal(`Lost the DATA_DIR lock (${err.message}); stopping`);
      process.exit(1);
    });
    const db = await PGlite.create(dbDir).catch(async (err: unknown) => {
      await unlock().catch(() => undefined);
      throw err;
    });
    const socketDir = mkdtempSync(path.join(tmpdir(), 'cartwheel-pg-'));
    const server = new PGLiteSocketServer({ db, path: path.join(socketDir, '.s.PGSQL.5432'), maxConnections: 4 });
    await server.start();
    EmbeddedPostgres.logger.debug(`Embedded Postgres (PGlite) with data in ${dbDir}`);
    return new EmbeddedPostgres(socketDir, db, server, unlock);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    rmSync(this.socketDir, { recursive: true, force: true });
    await this.unlock().catch(() => undefined);
  }
}
