import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Embedded Postgres for `npm start` without DATABASE_URL: PGlite persisted under DATA_DIR, served
 * on a private Unix socket so the app talks to it through the same `pg` driver as a real server.
 * PGlite runs one query at a time, so the pool must have one connection. One process per DATA_DIR:
 * a lock file refuses a second one (two PGlite instances on one folder would corrupt it).
 */
export class EmbeddedPostgres {
  private static readonly logger = new Logger('EmbeddedPostgres');

  private constructor(
    readonly socketDir: string,
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockFile: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const dbDir = path.join(dataDir, 'pglite');
    mkdirSync(dbDir, { recursive: true });
    const lockFile = path.join(dataDir, 'pglite.lock');
    EmbeddedPostgres.lock(lockFile);
    const db = await PGlite.create(dbDir).catch((err: unknown) => {
      rmSync(lockFile, { force: true });
      throw err;
    });
    const socketDir = mkdtempSync(path.join(tmpdir(), 'cartwheel-pg-'));
    const server = new PGLiteSocketServer({ db, path: path.join(socketDir, '.s.PGSQL.5432'), maxConnections: 4 });
    await server.start();
    EmbeddedPostgres.logger.log(`Embedded Postgres (PGlite) with data in ${dbDir}`);
    return new EmbeddedPostgres(socketDir, db, server, lockFile);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    rmSync(this.socketDir, { recursive: true, force: true });
    rmSync(this.lockFile, { force: true });
  }

  /** Takes the DATA_DIR lock, or throws naming the live process that holds it. A stale lock is taken over. */
  private static lock(lockFile: string): void {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(`The embedded database in ${path.dirname(lockFile)} is in use by process ${holder}; stop it first or set DATA_DIR`);
    }
    writeFileSync(lockFile, String(process.pid));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
