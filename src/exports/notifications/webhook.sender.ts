import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { ExportEventPayload } from './notification-content';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** POSTs one signed event; anything but a 2xx within the timeout is an error (and a retry). */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  async send(url: string, event: ExportEventPayload): Promise<void> {
    const body = JSON.stringify(event);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        [SIGNATURE_HEADER]: webhookSignature(this.config.webhookSecret, body, Math.floor(Date.now() / 1000)),
        [EVENT_ID_HEADER]: event.id,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`The webhook answered HTTP ${response.status}`);
  }
}
