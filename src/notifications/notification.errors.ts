import { webhookUrlRefusal } from '../net/public-address';
import type { WebhookRefusal } from '../net/public-address';

/** A notification that can never be delivered as addressed: it fails at once, since a retry would only repeat the refusal. */
export class PermanentDeliveryError extends Error {}

const HOST_REFUSALS: Record<WebhookRefusal, string> = {
  'non-public': 'is not a public address (loopback, private, link-local or reserved)',
  'link-local': 'is a link-local or cloud metadata address, where this server never sends webhooks',
};

/** The webhook's host is, or resolves to, an address webhooks may not reach (see webhookAddressRefusal). */
export class RefusedWebhookHostError extends PermanentDeliveryError {
  constructor(host: string, refusal: WebhookRefusal) {
    super(`The webhook was not sent: its host ${host} ${HOST_REFUSALS[refusal]}`);
  }
}

const URL_REFUSALS: Record<WebhookRefusal, string> = {
  'non-public': 'notify.webhook_url must be a public address: this server does not send webhooks to loopback, private or link-local hosts',
  'link-local':
    'notify.webhook_url must not be a link-local or cloud metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254): this server never sends webhooks there',
};

/** The request-time refusal of a webhook URL, as a message naming the field; undefined when the URL may be used. */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | undefined {
  const refusal = webhookUrlRefusal(url, allowPrivate);
  return refusal && URL_REFUSALS[refusal];
}
