import { Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { RedisClient } from '../redis/redis.module';
import { DataSource } from 'typeorm';
import { REDIS_CLIENT } from '../redis/redis.module';
import { dependencyError, Metrics, PoolStats } from './metrics';
import { MetricsController } from './metrics.controller';

interface EventedPool extends PoolStats {
  on(event: 'error', listener: (err: Error) => void): unknown;
  options?: { max?: number };
}

/** Counts the errors Redis and Postgres report outside requests, and exposes the pool's figures. */
@Injectable()
class DependencyWatch implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
  ) {}

  onModuleInit(): void {
    this.redis?.on('error', (err: Error & { code?: string }) => this.metrics.redisErrors.inc({ kind: err.code ?? err.name }));
    const pool = (this.dataSource.driver as unknown as { master?: EventedPool }).master;
    if (!pool) return;
    this.metrics.watchPool(pool, pool.options?.max ?? 0);
    pool.on('error', (err: Error & { code?: string }) => this.metrics.postgresErrors.inc({ kind: dependencyError(err)?.kind ?? err.code ?? 'connection' }));
  }
}

/**
 * Metrics (GET /metrics) and what feeds them. The logs need no module: the logger is given to
 * NestFactory and the request logger installed by configureApp (see logging.ts). The checkout route
 * leaves its order for the metrics with noteBody.
 */
@Module({
  providers: [Metrics, DependencyWatch],
  controllers: [MetricsController],
  exports: [Metrics],
})
export class ObservabilityModule {}
