import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { buildDataSourceOptions } from './data-source-options';
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

/** Applies pending migrations at start-up unless RUN_MIGRATIONS=false (then `npm run migrate` does it). */
@Injectable()
class DatabaseMigrator implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.database.runMigrations) await migrate(this.dataSource, { lock: !this.embedded });
  }
}

@Module({
  imports: [
    EmbeddedPostgresModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, EMBEDDED_POSTGRES],
      useFactory: (config: AppConfig, embedded: EmbeddedPostgres | null) =>
        buildDataSourceOptions({
          url: config.database.url,
          socketDir: embedded?.socketDir,
          schema: config.database.schema,
          poolSize: embedded ? 1 : config.database.poolSize,
        }),
    }),
  ],
  providers: [
    { provide: EmbeddedPostgresShutdown, inject: [DataSource, EMBEDDED_POSTGRES], useFactory: (ds: DataSource, e: EmbeddedPostgres | null) => new EmbeddedPostgresShutdown(ds, e) },
    DatabaseMigrator,
  ],
})
export class DatabaseModule {}
