import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { RedisClient } from '../redis/redis.module';
import { within } from '../common/async/within';
import { ErrorBody } from '../common/errors/error-body';
import { ThrottledLog } from '../common/logging/throttled-log';
import { REDIS_CLIENT } from '../redis/redis.module';
import { DrainState } from './drain-state';
import { Draining, NotReady } from './health.errors';

/** Each check's bound: they run at once, so readiness answers within a second. */
const CHECK_TIMEOUT_MS = 600;

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  private readonly log = new ThrottledLog((message) => this.logger.warn(message));

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
    private readonly drain: DrainState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: Postgres and the cart store answer (within 1 s), and the process is not shutting down' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { database: { status: 'up' }, cartStore: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: '`not_ready`; `details` says which dependency is down' })
  async ready(): Promise<HealthCheckResult> {
    if (this.drain.draining) throw new Draining();
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
      async () => {
        const check = this.indicators.check('cartStore');
        try {
          if (this.redis) await within(this.redis.ping(), CHECK_TIMEOUT_MS); // the in-process store is always there
          return check.up();
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          this.log.note(`cartStore ${reason}`, `cart store not ready: ${reason}`);
          return check.down();
        }
      },
    ]).catch((err: unknown) => {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      this.log.note(`down ${down.join(',')}`, `not ready: ${JSON.stringify(result.error)}`);
      // up/down per dependency only: driver messages name hosts and users, and this route is public
      const details = Object.fromEntries(Object.entries(result.details).map(([name, d]) => [name, { status: d.status }]));
      throw new NotReady(down, details);
    });
  }
}
