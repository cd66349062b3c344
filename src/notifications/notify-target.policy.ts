import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { NotifyTargetChecks } from '../exports/ports/notify-target-checks';
import type { RequestedNotify } from '../exports/ports/notify-target-checks';
import { webhookUrlProblem } from './notification.errors';

/** Refuses, when the export is requested, the notify targets this server would never deliver to. */
@Injectable()
export class NotifyTargetPolicy implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly checks: NotifyTargetChecks,
  ) {}

  onModuleInit(): void {
    this.checks.add((notify) => this.problems(notify));
  }

  problems(notify: RequestedNotify): string[] {
    const problems: string[] = [];
    if (notify.email && !this.config.smtpUrl) {
      problems.push('notify.email cannot be used: email is not configured on this server (SMTP_URL is unset)');
    }
    const webhookProblem =
      typeof notify.webhook_url === 'string' ? webhookUrlProblem(notify.webhook_url, this.config.webhookAllowPrivate) : undefined;
    if (webhookProblem) problems.push(webhookProblem);
    return problems;
  }
}
