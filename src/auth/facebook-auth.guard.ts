import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { LOGIN_NONCE_COOKIE, LOGIN_STATE_TTL_SECONDS } from './facebook.strategy';
import { AppConfig } from '../config/app.config';
import { DomainError } from '../common/errors/domain-error';
import { User } from '../users/user.entity';
import { InvalidLoginState, LoginDenied, LoginDisabled, LoginFailed } from './auth.errors';

/**
 * Runs passport-facebook: on /auth/facebook it redirects to Facebook; on the callback it checks the
 * state, exchanges the code and reads the profile. Failures become our error shape.
 */
@Injectable()
export class FacebookAuthGuard extends AuthGuard('facebook') {
  constructor(private readonly config: AppConfig) {
    super({ session: false });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.facebook) throw new LoginDisabled();
    const req = context.switchToHttp().getRequest<Request & { loginNonce?: string }>();
    if (req.path.endsWith('/callback')) {
      // a request with neither a code nor an error would make passport start a new login
      if (!req.query.code && !req.query.error) throw new InvalidLoginState();
    } else {
      // the browser that starts the login keeps a nonce the callback must bring back
      req.loginNonce = randomBytes(18).toString('base64url');
      const secure = this.config.facebook.callbackUrl.startsWith('https:') ? '; Secure' : '';
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('Set-Cookie', `${LOGIN_NONCE_COOKIE}=${req.loginNonce}; Path=/auth/facebook; Max-Age=${LOGIN_STATE_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure}`);
    }
    return (await super.canActivate(context)) as boolean;
  }

  /** What a finished Facebook login leaves on `req.user`: the User. */
  handleRequest<T = User>(err: unknown, user: User | false, _info: unknown, context: ExecutionContext): T {
    if (err instanceof DomainError) throw err;
    if (err) throw new LoginFailed();
    const req = context.switchToHttp().getRequest<Request>();
    if (!user) {
      if (req.query.error) throw new LoginDenied();
      throw new InvalidLoginState();
    }
    return user as T;
  }
}
