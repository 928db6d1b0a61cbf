import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { CartModule } from '../cart/cart.module';
import { AppConfig } from '../config/app.config';
import { UsersModule } from '../users/users.module';
import { UsersRepository } from '../users/users.repository';
import { AdminGuard, BearerGuard } from './admin.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { FacebookAuthGuard } from './facebook-auth.guard';
import { FacebookStrategy } from './facebook.strategy';
import { SessionStore } from './session.store';
import { TokensService } from './tokens.service';

/** Who may do what: the admin key, Facebook login, Bearer tokens. Global, so every module's guards resolve. */
@Global()
@Module({
  imports: [
    PassportModule,
    UsersModule,
    CartModule,
    JwtModule.registerAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => ({ secret: config.jwtSecret, signOptions: { expiresIn: '7d' } }) }),
  ],
  controllers: [AuthController],
  providers: [
    AdminGuard,
    BearerGuard,
    TokensService,
    AuthService,
    FacebookAuthGuard,
    {
      // registered with passport only when login is configured
      provide: FacebookStrategy,
      inject: [AppConfig, SessionStore, UsersRepository],
      useFactory: (config: AppConfig, sessions: SessionStore, users: UsersRepository) =>
        config.facebook ? new FacebookStrategy(config.facebook, sessions, users) : null,
    },
  ],
  exports: [AdminGuard, BearerGuard, TokensService],
})
export class AuthModule {}
