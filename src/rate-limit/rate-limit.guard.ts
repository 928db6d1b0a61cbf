import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { DomainError } from '../common/errors/domain-error';

export class RateLimited extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', `Too many requests from this address; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/**
 * @nestjs/throttler's guard with one budget per client IP across every rate-limited route (not one
 * per route), our error shape (429 `rate_limited`, `Retry-After` set by the throttler), and off when
 * RATE_LIMIT_PER_MINUTE is 0.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const limit = this.throttlers[0]?.limit;
    return limit === 0 || (await super.shouldSkip(context));
  }

  protected generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `ratelimit:${throttlerName}:${tracker}`;
  }

  protected throwThrottlingException(_context: ExecutionContext, detail: { timeToBlockExpire: number }): Promise<void> {
    throw new RateLimited(detail.timeToBlockExpire);
  }
}
