import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';

/** 429 of a per-minute limit, with the standard Retry-After (whole seconds) and a sentence for people. */
export class TooManyRequestsException extends HttpException {
  constructor(
    limit: number,
    readonly retryAfterSeconds: number,
  ) {
    const wait = retryAfterSeconds === 1 ? '1 second' : `${retryAfterSeconds} seconds`;
    super(`Too many requests: at most ${limit} a minute are allowed. Try again in ${wait}.`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** Rate limits per authenticated user (runs after the JWT guard); per client address otherwise. */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: { user?: AuthUser; ip?: string }): Promise<string> {
    return Promise.resolve(req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`);
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfterSeconds));
    throw new TooManyRequestsException(detail.limit, retryAfterSeconds);
  }
}
