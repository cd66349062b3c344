import { Injectable } from '@nestjs/common';

/** A request's notify targets, as sent (validated for shape, not yet for reachability). */
export interface RequestedNotify {
  webhook_url?: unknown;
  email?: unknown;
}

/** Whether this server can deliver to these targets: each problem a message naming its field, none when it can. */
export type NotifyTargetCheck = (notify: RequestedNotify) => string[];

/**
 * The engine stores a request's notify targets; the notifications module, which delivers them,
 * says at request time which it refuses (an unreachable webhook host, email without SMTP).
 */
@Injectable()
export class NotifyTargetChecks {
  private readonly checks: NotifyTargetCheck[] = [];

  add(check: NotifyTargetCheck): void {
    this.checks.push(check);
  }

  problems(notify: RequestedNotify): string[] {
    return this.checks.flatMap((check) => check(notify));
  }
}
