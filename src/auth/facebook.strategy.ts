import { randomBytes } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Profile, Strategy } from 'passport-facebook';
import { AppConfig } from '../config/app.config';
import { ValidationFailed } from '../common/errors/domain-error';
import { SID_PATTERN } from '../common/validation/decorators';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { SessionStore } from './session.store';

export const LOGIN_STATE_TTL_SECONDS = 600;

type Callback = (err: unknown, ok?: unknown, info?: unknown) => void;

/** The cookie that ties a login's callback to the browser that started it (see FacebookAuthGuard). */
export const LOGIN_NONCE_COOKIE = 'cw_login';

/** The nonce cookie's value on this request, if any. */
export function loginNonceFrom(req: Request): string | undefined {
  const match = new RegExp(`(?:^|;\\s*)${LOGIN_NONCE_COOKIE}=([A-Za-z0-9_-]+)`).exec(req.headers.cookie ?? '');
  return match?.[1];
}

/**
 * passport-oauth2's state store: the `state` sent to Facebook is random, single-use, valid for 10
 * minutes, and bound to the session that started the login and to that browser (a nonce it holds in
 * an HttpOnly cookie), so a login link started by someone else cannot link their session to the
 * person who follows it. It lives in the SessionStore (Redis or memory): any instance can finish it.
 */
export class LoginStateStore {
  constructor(private readonly sessions: SessionStore) {}

  store(req: Request & { loginNonce?: string }, _meta: unknown, done: Callback): void {
    const sid = req.query.sid;
    if (typeof sid !== 'string' || !SID_PATTERN.test(sid)) {
      done(ValidationFailed.field('sid', 'sid must be 1-128 characters of A-Z a-z 0-9 . _ ~ -'));
      return;
    }
    const state = randomBytes(24).toString('base64url');
    this.sessions.saveLoginState(state, { sid, nonce: req.loginNonce ?? '' }, LOGIN_STATE_TTL_SECONDS).then(() => done(null, state), done);
  }

  verify(req: Request, state: unknown, done: Callback): void {
    if (typeof state !== 'string' || state.length === 0 || state.length > 64) {
      done(null, false, { message: 'invalid_state' });
      return;
    }
    const nonce = loginNonceFrom(req);
    this.sessions.takeLoginState(state).then(
      (login) => (login && login.nonce && login.nonce === nonce ? done(null, true, { sid: login.sid }) : done(null, false, { message: 'invalid_state' })),
      done,
    );
  }
}

/** Facebook login through passport-facebook; its endpoints can be pointed elsewhere (staging, tests). */
export class FacebookStrategy extends PassportStrategy(Strategy, 'facebook') {
  constructor(
    config: NonNullable<AppConfig['facebook']>,
    sessions: SessionStore,
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
      store: new LoginStateStore(sessions),
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
