import { request as httpRequest } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { ExportEventPayload } from './notification-content';
import { NonPublicWebhookError } from './notification.errors';
import { hostIsNonPublic } from './public-address';
import { publicOnlyLookup } from './public-only-lookup';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** POSTs `body` and resolves with the response status; redirects are not followed. */
function post(url: URL, headers: OutgoingHttpHeaders, body: string, lookup: LookupFunction | undefined): Promise<number> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
        lookup,
        // No pooled sockets: every delivery connects to an address its own lookup checked.
        agent: false,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    )
      .on('error', reject)
      .end(body);
  });
}

/**
 * POSTs one signed event; anything but a 2xx within the timeout is an error (and a retry). Unless
 * WEBHOOK_ALLOW_PRIVATE is on, a host that is or resolves to a non-public address is refused for good.
 */
@Injectable()
export class WebhookSender {
  private readonly lookup: LookupFunction | undefined;

  constructor(private readonly config: AppConfig) {
    this.lookup = config.webhookAllowPrivate ? undefined : publicOnlyLookup();
  }

  async send(url: string, event: ExportEventPayload): Promise<void> {
    const target = new URL(url);
    // IP literals are connected to without a lookup, so they are checked here.
    if (!this.config.webhookAllowPrivate && hostIsNonPublic(url)) throw new NonPublicWebhookError(target.hostname);
    const body = JSON.stringify(event);
    const headers = {
      'Content-Type': 'application/json',
      [SIGNATURE_HEADER]: webhookSignature(this.config.webhookSecret, body, Math.floor(Date.now() / 1000)),
      [EVENT_ID_HEADER]: event.id,
    };
    const status = await post(target, headers, body, this.lookup);
    if (status < 200 || status > 299) throw new Error(`The webhook answered HTTP ${status}`);
  }
}
