import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessModule } from '../access/access.module';
import { AppConfig } from '../config/app.config';
import { UsersModule } from '../users/users.module';
import { UsersRepository } from '../users/users.repository';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { FacebookAuthGuard } from './facebook-auth.guard';
import { FacebookStrategy } from './facebook.strategy';
import { LoginStateModule } from './login-state.module';
import { LoginStateStore } from './login-state.store';

/** Facebook login: the redirect flow, finishing a login (a token), logout (revoking it). */
@Module({
  imports: [PassportModule, AccessModule, UsersModule, LoginStateModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    FacebookAuthGuard,
    {
      // registered with passport only when login is configured
      provide: FacebookStrategy,
      inject: [AppConfig, LoginStateStore, UsersRepository],
      useFactory: (config: AppConfig, states: LoginStateStore, users: UsersRepository) =>
        config.facebook ? new FacebookStrategy(config.facebook, states, users) : null,
    },
  ],
})
export class AuthModule {}
