import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CartModule } from '../cart/cart.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule.forRoot({ logger: false }), CartModule], controllers: [HealthController] })
export class HealthModule {}
