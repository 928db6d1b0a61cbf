import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body';
import { AdminGuard } from './admin.guard';
import { BearerGuard } from './bearer.guard';

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

/** Marks a route as for a logged-in user (`Authorization: Bearer <token>`); the user is on `req.user`. */
export function LoggedIn() {
  return applyDecorators(
    UseGuards(BearerGuard),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing or bad Bearer token' }),
  );
}
