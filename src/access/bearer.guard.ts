import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Unauthorized } from './access.errors';
import { Authenticated, TokensService } from './tokens.service';

/** The request as the access guards leave it: `auth` set when a valid Bearer token came with it. */
export type AuthenticatedRequest = FastifyRequest & { auth?: Authenticated | null };

/**
 * Cart routes: a Bearer token makes the request act on that user's cart, none on the sid's
 * anonymous cart; the caller goes on `req.auth`. A token that is sent but invalid, expired or
 * revoked is 401, never anonymous.
 */
@Injectable()
export class OptionalBearerGuard implements CanActivate {
  constructor(private readonly tokens: TokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.auth = await this.tokens.authenticate(req);
    return true;
  }
}

/** Routes for a logged-in user: as OptionalBearerGuard, and the token is required. */
@Injectable()
export class BearerGuard extends OptionalBearerGuard {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    if (!context.switchToHttp().getRequest<AuthenticatedRequest>().auth) throw new Unauthorized('A valid Bearer token is required');
    return true;
  }
}
