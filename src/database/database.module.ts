import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
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
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        return dataSource;
      },
    }),
  ],
  providers: [
    { provide: EmbeddedPostgresShutdown, inject: [DataSource, EMBEDDED_POSTGRES], useFactory: (ds: DataSource, e: EmbeddedPostgres | null) => new EmbeddedPostgresShutdown(ds, e) },
    {
      provide: 'DATABASE_MIGRATED',
      inject: [DataSource, AppConfig, EMBEDDED_POSTGRES],
      useFactory: async (ds: DataSource, config: AppConfig, embedded: EmbeddedPostgres | null) => {
        if (config.database.runMigrations) await migrate(ds, { lock: !embedded });
        return true;
      },
    },
  ],
})
export class DatabaseModule {}
