import { createHash, timingSafeEqual } from 'node:crypto';
import { applyDecorators, CanActivate, ExecutionContext, HttpStatus, Injectable, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '../config/app.config';
import { DomainError } from '../common/errors/domain-error';
import { ErrorBody } from '../common/errors/error-body';

export const API_KEY_SCHEME = 'api-key';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Admin routes: the `X-API-Key` header must equal ADMIN_API_KEY (compared in constant time). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(config: AppConfig) {
    this.expected = digest(config.adminApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers['x-api-key'];
    const given = typeof header === 'string' ? header : '';
    if (given && timingSafeEqual(digest(given), this.expected)) return true;
    throw new DomainError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'A valid X-API-Key header is required');
  }
}

/** Marks a route as admin-only, for the guard and for the OpenAPI document. */
export function AdminOnly() {
  return applyDecorators(
    UseGuards(AdminGuard),
    ApiSecurity(API_KEY_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing or wrong X-API-Key' }),
  );
}
