import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app.config';
import { Forbidden, Unauthorized } from './access.errors';
import { TokensService } from './tokens.service';

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
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers['x-api-key'];
    const given = typeof header === 'string' ? header : '';
    if (given && timingSafeEqual(digest(given), this.expected)) return true;
    const auth = await this.tokens.authenticate(req);
    if (auth?.user.role === 'admin') return true;
    if (auth) throw new Forbidden('This account is not an admin');
    throw new Unauthorized('A valid X-API-Key header (or an admin Bearer token) is required');
  }
}
