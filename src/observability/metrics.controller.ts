import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, HttpStatus, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app.config';
import { Metrics } from './metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics`, Prometheus text format. Off (404, as any unknown route) unless METRICS_TOKEN is
 * set; then only `Authorization: Bearer <METRICS_TOKEN>` is answered (401 otherwise). Left out of
 * the OpenAPI document: it is for scrapers, not API clients.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: Metrics,
    config: AppConfig,
  ) {
    this.expected = config.metricsToken ? digest(config.metricsToken) : null;
  }

  @Get()
  async scrape(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    if (!this.expected) throw new NotFoundException('Cannot GET /metrics');
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      void res.header('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new DomainError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    const body = await this.metrics.registry.metrics();
    await res.header('Content-Type', this.metrics.registry.contentType).header('Cache-Control', 'no-store').send(body);
  }
}
