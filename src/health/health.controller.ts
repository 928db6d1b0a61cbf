import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { ErrorBody } from '../common/errors/error-body';
import { REDIS_CLIENT } from '../redis/redis.module';
import { NotReady } from './health.errors';

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: Postgres and the cart store answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { database: { status: 'up' }, cartStore: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: '`not_ready`; `details` says which dependency is down' })
  async ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const check = this.indicators.check('cartStore');
        try {
          if (this.redis) await this.redis.ping(); // the in-process store is always there
          return check.up();
        } catch (err) {
          this.logger.warn(`cart store not ready: ${err instanceof Error ? err.message : String(err)}`);
          return check.down();
        }
      },
    ]).catch((err: unknown) => {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      this.logger.warn(`not ready: ${JSON.stringify(result.error)}`);
      // up/down per dependency only: driver messages name hosts and users, and this route is public
      const details = Object.fromEntries(Object.entries(result.details).map(([name, d]) => [name, { status: d.status }]));
      throw new NotReady(down, details);
    });
  }
}
