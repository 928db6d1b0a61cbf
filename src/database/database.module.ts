import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { serverName, StartupError } from '../common/errors/startup-error';
import { AppConfig } from '../config/app.config';
import { buildDataSourceOptions, DatabaseTarget } from './data-source-options';
import { EmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';

export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

/** Starts the embedded server when DATABASE_URL is unset; null otherwise. */
@Global()
@Module({
  providers: [
    {
      provide: EMBEDDED_POSTGRES,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => (config.database.url ? null : EmbeddedPostgres.start(config.database.dataDir)),
    },
  ],
  exports: [EMBEDDED_POSTGRES],
})
class EmbeddedPostgresModule {}

/** Stops the embedded server after TypeORM has closed its pool. */
class EmbeddedPostgresShutdown implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded.stop();
  }
}

/** Where the app's pool connects, with its limits (README, "Failure behaviour"). */
function appTarget(config: AppConfig, embedded: EmbeddedPostgres | null): DatabaseTarget {
  return {
    url: config.database.url,
    socketDir: embedded?.socketDir,
    schema: config.database.schema,
    poolSize: embedded ? 1 : config.database.poolSize,
    poolTimeoutMs: config.database.poolTimeoutMs,
    // PGlite runs one statement at a time in this process: nothing to time out
    statementTimeoutMs: embedded ? 0 : config.database.statementTimeoutMs,
  };
}

/** An unreachable or refusing server at start-up: one line naming it, no driver stack. */
function startupError(url: string | undefined, err: unknown): StartupError {
  const what = url ? `Postgres at ${serverName(url)} (DATABASE_URL)` : 'The embedded Postgres';
  return new StartupError(`${what} is unreachable or refused the connection: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * Applies pending migrations at start-up unless RUN_MIGRATIONS=false (then `npm run migrate` does it).
 * On a real server they run on connections of their own, without the app's statement timeout: a
 * migration, or waiting for another instance's, may take long.
 */
@Injectable()
class DatabaseMigrator implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.database.runMigrations) return;
    if (this.embedded) return migrate(this.dataSource, { lock: false });
    // two connections: one holds the migration lock, the other migrates
    const own = new DataSource(buildDataSourceOptions({ ...appTarget(this.config, this.embedded), poolSize: 2, statementTimeoutMs: 0 }));
    try {
      await own.initialize();
      await migrate(own, { lock: true });
    } finally {
      if (own.isInitialized) await own.destroy();
    }
  }
}

@Module({
  imports: [
    EmbeddedPostgresModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, EMBEDDED_POSTGRES],
      // no retries at start: an unreachable server is reported at once (orchestrators restart us)
      useFactory: (config: AppConfig, embedded: EmbeddedPostgres | null) => ({ ...buildDataSourceOptions(appTarget(config, embedded)), toRetry: () => false }),
      dataSourceFactory: async (options) => {
        try {
          return await new DataSource(options!).initialize();
        } catch (err) {
          throw startupError((options as { url?: string }).url, err);
        }
      },
    }),
  ],
  providers: [
    { provide: EmbeddedPostgresShutdown, inject: [DataSource, EMBEDDED_POSTGRES], useFactory: (ds: DataSource, e: EmbeddedPostgres | null) => new EmbeddedPostgresShutdown(ds, e) },
    DatabaseMigrator,
  ],
})
export class DatabaseModule {}
