import { Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config';
import type { EmailContent } from './notification-content';

/** Plain-text mail through SMTP_URL; nodemailer is loaded and the transport opened on first use. */
@Injectable()
export class EmailSender implements OnApplicationShutdown {
  private transport?: Transporter;

  constructor(private readonly config: AppConfig) {}

  async send(to: string, content: EmailContent): Promise<void> {
    const smtpUrl = this.config.smtpUrl;
    if (!smtpUrl) throw new Error('Email notifications are not configured (SMTP_URL is unset)');
    this.transport ??= (await import('nodemailer')).createTransport(smtpUrl);
    await this.transport.sendMail({ from: this.config.mailFrom, to, subject: content.subject, text: content.text });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
