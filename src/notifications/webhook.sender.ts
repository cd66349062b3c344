import { request as httpRequest } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { ExportEventPayload } from './notification-content';
import { guardedLookup } from '../net/guarded-lookup';
import { RefusedWebhookHostError } from './notification.errors';
import { webhookUrlRefusal } from '../net/public-address';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, webhookSignature, webhookTargetSecret } from './webhook-signature';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** POSTs `body` and resolves with the response status; redirects are not followed. */
function post(url: URL, headers: OutgoingHttpHeaders, body: string, lookup: LookupFunction): Promise<number> {
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
 * POSTs one event signed with its target's own secret (owner and URL); anything but a 2xx within the
 * timeout is an error (and a retry). A host that is or resolves to a link-local or metadata address,
 * or unless WEBHOOK_ALLOW_PRIVATE is on any non-public one, is refused for good.
 */
@Injectable()
export class WebhookSender {
  private readonly lookup: LookupFunction;

  constructor(private readonly config: AppConfig) {
    this.lookup = guardedLookup(config.webhookAllowPrivate, (host, refusal) => new RefusedWebhookHostError(host, refusal));
  }

  async send(url: string, owner: string, event: ExportEventPayload): Promise<void> {
    const target = new URL(url);
    // IP literals are connected to without a lookup, so they are checked here.
    const refusal = webhookUrlRefusal(url, this.config.webhookAllowPrivate);
    if (refusal) throw new RefusedWebhookHostError(target.hostname, refusal);
    const body = JSON.stringify(event);
    const headers = {
      'Content-Type': 'application/json',
      [SIGNATURE_HEADER]: webhookSignature(webhookTargetSecret(this.config.webhookSecret, owner, url), body, Math.floor(Date.now() / 1000)),
      [EVENT_ID_HEADER]: event.id,
    };
    const status = await post(target, headers, body, this.lookup);
    if (status < 200 || status > 299) throw new Error(`The webhook answered HTTP ${status}`);
  }
}
