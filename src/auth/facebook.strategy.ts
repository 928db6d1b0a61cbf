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

/**
 * passport-oauth2's state store: the `state` sent to Facebook is random, bound to the session that
 * started the login, single-use and valid for 10 minutes. It lives in the SessionStore (Redis or
 * memory), so any instance can finish a login another one started.
 */
export class LoginStateStore {
  constructor(private readonly sessions: SessionStore) {}

  store(req: Request, _meta: unknown, done: Callback): void {
    const sid = req.query.sid;
    if (typeof sid !== 'string' || !SID_PATTERN.test(sid)) {
      done(ValidationFailed.field('sid', 'sid must be 1-128 characters of A-Z a-z 0-9 . _ ~ -'));
      return;
    }
    const state = randomBytes(24).toString('base64url');
    this.sessions.saveLoginState(state, sid, LOGIN_STATE_TTL_SECONDS).then(() => done(null, state), done);
  }

  verify(_req: Request, state: unknown, done: Callback): void {
    if (typeof state !== 'string' || state.length === 0 || state.length > 64) {
      done(null, false, { message: 'invalid_state' });
      return;
    }
    this.sessions.takeLoginState(state).then(
      (sid) => (sid ? done(null, true, { sid }) : done(null, false, { message: 'invalid_state' })),
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
