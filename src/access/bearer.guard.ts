import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Unauthorized } from './access.errors';
import { TokensService } from './tokens.service';

/** Routes for a logged-in user: `Authorization: Bearer <token>`; the user is put on `req.user`. */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(private readonly tokens: TokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const user = await this.tokens.userFromRequest(req);
    if (!user) throw new Unauthorized('A valid Bearer token is required');
    req.user = user;
    return true;
  }
}
