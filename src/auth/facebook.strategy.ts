import { randomBytes } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Profile, Strategy } from 'passport-facebook';
import { AppConfig } from '../config/app.config';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { LoginStateStore } from './login-state.store';

export const LOGIN_STATE_TTL_SECONDS = 600;

type Callback = (err: unknown, ok?: unknown, info?: unknown) => void;

/** The cookie that ties a login's callback to the browser that started it (see FacebookAuthGuard). */
export const LOGIN_NONCE_COOKIE = 'cw_login';

/** The nonce cookie's value on this request, if any. */
export function loginNonceFrom(req: FastifyRequest): string | undefined {
  const match = new RegExp(`(?:^|;\\s*)${LOGIN_NONCE_COOKIE}=([A-Za-z0-9_-]+)`).exec(req.headers.cookie ?? '');
  return match?.[1];
}

/**
 * passport-oauth2's state store: the `state` sent to Facebook is random, single-use, valid for 10
 * minutes, and bound to the browser that started the login (a nonce it holds in an HttpOnly cookie),
 * so a login link started by someone else fails in the victim's browser. It lives in the
 * LoginStateStore (Redis or memory): any instance can finish it. No cart or sid is involved: the
 * client merges its anonymous cart itself after the login (POST /api/me/cart/merge).
 */
export class PassportStateStore {
  constructor(private readonly states: LoginStateStore) {}

  store(req: FastifyRequest & { loginNonce?: string }, _meta: unknown, done: Callback): void {
    const state = randomBytes(24).toString('base64url');
    this.states.save(state, { nonce: req.loginNonce ?? '' }, LOGIN_STATE_TTL_SECONDS).then(() => done(null, state), done);
  }

  verify(req: FastifyRequest, state: unknown, done: Callback): void {
    if (typeof state !== 'string' || state.length === 0 || state.length > 64) {
      done(null, false, { message: 'invalid_state' });
      return;
    }
    const nonce = loginNonceFrom(req);
    this.states.take(state).then(
      (login) => (login && login.nonce && login.nonce === nonce ? done(null, true) : done(null, false, { message: 'invalid_state' })),
      done,
    );
  }
}

/** Facebook login through passport-facebook; its endpoints can be pointed elsewhere (staging, tests). */
export class FacebookStrategy extends PassportStrategy(Strategy, 'facebook') {
  constructor(
    config: NonNullable<AppConfig['facebook']>,
    states: LoginStateStore,
    private readonly users: UsersRepository,
  ) {
    super({
      clientID: config.appId,
      clientSecret: config.appSecret,
      callbackURL: config.callbackUrl,
      ...(config.authorizationUrl ? { authorizationURL: config.authorizationUrl } : {}),
      ...(config.tokenUrl ? { tokenURL: config.tokenUrl } : {}),
      ...(config.profileUrl ? { profileURL: config.profileUrl } : {}),
      profileFields: ['id', 'displayName', 'emails'],
      scope: ['email'],
      // passport-oauth2 accepts a state store object; passport-facebook's typings do not list it
      store: new PassportStateStore(states),
    } as unknown as ConstructorParameters<typeof Strategy>[0]);
  }

  /** Finds or creates the user for this Facebook profile. */
  validate(_accessToken: string, _refreshToken: string, profile: Profile): Promise<User> {
    const raw = (profile as Profile & { _json?: { name?: string; email?: string } })._json ?? {};
    return this.users.upsertFromFacebook({
      facebookId: profile.id,
      name: (profile.displayName || raw.name || 'Facebook user').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200),
      email: profile.emails?.[0]?.value ?? raw.email ?? null,
    });
  }
}
