import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGIN_NONCE_COOKIE, LOGIN_STATE_TTL_SECONDS } from './facebook.strategy';
import { AppConfig } from '../config/app.config';
import { DomainError } from '../common/errors/domain-error';
import { User } from '../users/user.entity';
import { InvalidLoginState, LoginDenied, LoginDisabled, LoginFailed } from './auth.errors';

/** What passport-oauth2 does to a response: a redirect. */
interface PassportResponse {
  statusCode: number;
  setHeader(name: string, value: string | number): void;
  end(): void;
}

const queryOf = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;

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
    const req = context.switchToHttp().getRequest<FastifyRequest & { loginNonce?: string }>();
    if (req.routeOptions.url?.endsWith('/callback')) {
      // a request with neither a code nor an error would make passport start a new login
      if (!queryOf(req).code && !queryOf(req).error) throw new InvalidLoginState();
    } else {
      // the browser that starts the login keeps a nonce the callback must bring back
      req.loginNonce = randomBytes(18).toString('base64url');
      const secure = this.config.facebook.callbackUrl.startsWith('https:') ? '; Secure' : '';
      void context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('Set-Cookie', `${LOGIN_NONCE_COOKIE}=${req.loginNonce}; Path=/auth/facebook; Max-Age=${LOGIN_STATE_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure}`);
    }
    return (await super.canActivate(context)) as boolean;
  }

  /**
   * The response as passport sees it: its redirect (to Facebook) sets `statusCode`, calls
   * `setHeader` and `end()` as on Node's response; here they go through Fastify's reply, so the
   * reply is sent once, with its hooks (request id, security headers, the log line).
   */
  getResponse(context: ExecutionContext): PassportResponse {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return {
      set statusCode(code: number) {
        void reply.status(code);
      },
      get statusCode() {
        return reply.statusCode;
      },
      setHeader: (name, value) => void reply.header(name, value),
      end: () => void reply.send(),
    };
  }

  /** What a finished Facebook login leaves on `req.user`: the User. */
  handleRequest<T = User>(err: unknown, user: User | false, _info: unknown, context: ExecutionContext): T {
    if (err instanceof DomainError) throw err;
    if (err) throw new LoginFailed();
    if (!user) {
      if (queryOf(context.switchToHttp().getRequest<FastifyRequest>()).error) throw new LoginDenied();
      throw new InvalidLoginState();
    }
    return user as T;
  }
}
