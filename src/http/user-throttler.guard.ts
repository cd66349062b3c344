import { HttpStatus, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { AuthUser } from '../auth/auth-user';
import { CodedException, HttpExceptionCode } from './problem-details';

/** 429 of a per-minute limit, with the standard Retry-After (whole seconds) and a sentence for people. */
export class TooManyRequestsException extends CodedException {
  constructor(limit: number, retryAfterSeconds: number) {
    const wait = retryAfterSeconds === 1 ? '1 second' : `${retryAfterSeconds} seconds`;
    super(
      HttpExceptionCode.RATE_LIMITED,
      HttpStatus.TOO_MANY_REQUESTS,
      `Too many requests: at most ${limit} a minute are allowed. Try again in ${wait}.`,
      retryAfterSeconds,
    );
  }
}

/** Rate limits per authenticated user (runs after the JWT guard); per client address otherwise. */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: { user?: AuthUser; ip?: string }): Promise<string> {
    return Promise.resolve(req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`);
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new TooManyRequestsException(detail.limit, retryAfterSeconds);
  }
}
