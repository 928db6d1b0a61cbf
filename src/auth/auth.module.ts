import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessModule } from '../access/access.module';
import { CartModule } from '../cart/cart.module';
import { AppConfig } from '../config/app.config';
import { UsersModule } from '../users/users.module';
import { UsersRepository } from '../users/users.repository';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { FacebookAuthGuard } from './facebook-auth.guard';
import { FacebookStrategy } from './facebook.strategy';
import { SessionStore } from './session.store';
import { SessionsModule } from './sessions.module';

/** Facebook login: the redirect flow, finishing a login (cart merge, token), logout. */
@Module({
  imports: [PassportModule, AccessModule, UsersModule, CartModule, SessionsModule],
  controllers: [AuthController],
  providers: [
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
})
export class AuthModule {}
