import { createHash, timingSafeEqual } from 'node:crypto';
import { applyDecorators, CanActivate, ExecutionContext, HttpStatus, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '../config/app.config';
import { DomainError } from '../common/errors/domain-error';
import { ErrorBody } from '../common/errors/error-body';
import { TokensService } from './tokens.service';

export const API_KEY_SCHEME = 'api-key';
export const BEARER_SCHEME = 'bearer';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admin routes: the `X-API-Key` header equal to ADMIN_API_KEY (compared in constant time), or the
 * Bearer token of a user whose role is `admin`. Neither: 401; a valid token of a customer: 403.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    config: AppConfig,
    private readonly tokens: TokensService,
  ) {
    this.expected = digest(config.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers['x-api-key'];
    const given = typeof header === 'string' ? header : '';
    if (given && timingSafeEqual(digest(given), this.expected)) return true;
    const user = await this.tokens.userFromRequest(req);
    if (user?.role === 'admin') return true;
    if (user) throw new DomainError(HttpStatus.FORBIDDEN, 'forbidden', 'This account is not an admin');
    throw new DomainError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'A valid X-API-Key header (or an admin Bearer token) is required');
  }
}

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

/** Routes for a logged-in user: `Authorization: Bearer <token>`; the user is put on `req.user`. */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(private readonly tokens: TokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const user = await this.tokens.userFromRequest(req);
    if (!user) throw new DomainError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'A valid Bearer token is required');
    req.user = user;
    return true;
  }
}

export function LoggedIn() {
  return applyDecorators(
    UseGuards(BearerGuard),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing or bad Bearer token' }),
  );
}
