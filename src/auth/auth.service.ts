import { Injectable } from '@nestjs/common';
import { Authenticated, TokensService } from '../access/tokens.service';
import { AppConfig } from '../config/app.config';
import { User } from '../users/user.entity';
import { LoginResultDto, MeDto } from './dto/auth.dto';

export const toMeDto = (u: User): MeDto => ({ id: u.id, name: u.name, email: u.email, role: u.role });

/** Finishing a login (a token; no cart is touched) and logging out (the token is revoked). */
@Injectable()
export class AuthService {
  constructor(
    private readonly tokens: TokensService,
    private readonly config: AppConfig,
  ) {}

  completeLogin(user: User): LoginResultDto {
    return { user: { id: user.id, name: user.name, email: user.email }, token: this.tokens.issue(user) };
  }

  /** Where to send the browser after a login when AUTH_SUCCESS_REDIRECT is set: the token in the fragment. */
  successRedirect(result: LoginResultDto): string | null {
    if (!this.config.authSuccessRedirect) return null;
    const url = new URL(this.config.authSuccessRedirect);
    url.hash = new URLSearchParams({ token: result.token }).toString();
    return url.toString();
  }

  /** Revokes the caller's token until it would have expired; the user's cart is kept. */
  logout(caller: Authenticated): Promise<void> {
    return this.tokens.revoke(caller);
  }
}
