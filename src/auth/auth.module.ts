import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';

/** Who may do what. Today: the admin API key. */
@Global()
@Module({ providers: [AdminGuard], exports: [AdminGuard] })
export class AuthModule {}
