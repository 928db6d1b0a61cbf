import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DrainState } from './drain-state';
import { HealthController } from './health.controller';

/** Liveness and readiness; readiness pings Postgres and, when carts live there, Redis, and says 503 once the process drains. */
@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController], providers: [DrainState], exports: [DrainState] })
export class HealthModule {}
