import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body';
import { AdminGuard } from './admin.guard';
import { AuthenticatedRequest, BearerGuard, OptionalBearerGuard } from './bearer.guard';
import type { Authenticated } from './tokens.service';

export const API_KEY_SCHEME = 'api-key';
export const BEARER_SCHEME = 'bearer';

/** Marks a route as admin-only, for the guard and for the OpenAPI document. */
export function AdminOnly() {
  return applyDecorators(
    UseGuards(AdminGuard),
    ApiSecurity(API_KEY_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing or wrong X-API-Key (and no admin Bearer token)' }),
    ApiForbiddenResponse({ type: ErrorBody, description: 'A Bearer token of a user who is not an admin' }),
  );
}

/** Marks a route as for a logged-in user (`Authorization: Bearer <token>`); see @Caller(). */
export function LoggedIn() {
  return applyDecorators(
    UseGuards(BearerGuard),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing, invalid, expired or revoked Bearer token' }),
  );
}

/** Cart routes: with a Bearer token they act on the user's cart, without one on the sid's anonymous cart. */
export function Shopper() {
  return applyDecorators(
    UseGuards(OptionalBearerGuard),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity({}),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'A Bearer token was sent but is invalid, expired or revoked (never a fall-back to the anonymous cart)' }),
  );
}

/** The caller a Bearer token identified (null on a @Shopper() route called without one). */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Authenticated | null => ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth ?? null);
