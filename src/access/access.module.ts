import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app.config';
import { UsersModule } from '../users/users.module';
import { AdminGuard } from './admin.guard';
import { BearerGuard } from './bearer.guard';
import { TOKEN_TTL, TokensService } from './tokens.service';

/**
 * Who is calling: the admin key and Bearer tokens, and the guards built on them. It sits below the
 * feature modules (products, coupons, cart, orders, auth), which import it for their guards.
 */
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => ({ secret: config.jwtSecret, signOptions: { expiresIn: TOKEN_TTL } }) }),
  ],
  providers: [AdminGuard, BearerGuard, TokensService],
  exports: [AdminGuard, BearerGuard, TokensService],
})
export class AccessModule {}
