import { Injectable } from '@nestjs/common';
import { CartService } from '../cart/cart.service';
import { AppConfig } from '../config/app.config';
import { User } from '../users/user.entity';
import { LoginResultDto, MeDto } from './dto/auth.dto';
import { SessionStore } from './session.store';
import { TokensService } from '../access/tokens.service';

export const toMeDto = (u: User): MeDto => ({ id: u.id, name: u.name, email: u.email, role: u.role });

/** Finishing a login (cart merge, session link, token) and logging out. */
@Injectable()
export class AuthService {
  constructor(
    private readonly carts: CartService,
    private readonly sessions: SessionStore,
    private readonly tokens: TokensService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Links the session to the user first (from then on its cart writes reach the user's cart), then
   * merges what its anonymous cart held into the user's, and issues a token.
   */
  async completeLogin(user: User, sid: string): Promise<LoginResultDto> {
    await this.sessions.linkSession(sid, user.id, this.config.cartTtlSeconds);
    await this.carts.mergeIntoUser(sid, user.id);
    return { user: { id: user.id, name: user.name, email: user.email }, token: this.tokens.issue(user), sid };
  }

  /** Where to send the browser after a login when AUTH_SUCCESS_REDIRECT is set: the token in the fragment. */
  successRedirect(result: LoginResultDto): string | null {
    if (!this.config.authSuccessRedirect) return null;
    const url = new URL(this.config.authSuccessRedirect);
    url.hash = new URLSearchParams({ token: result.token, sid: result.sid }).toString();
    return url.toString();
  }

  /** Unlinks the session: it starts again with an empty anonymous cart; the user's cart is kept. */
  async logout(sid: string): Promise<void> {
    await this.sessions.unlinkSession(sid);
    await this.carts.empty(sid);
  }
}
