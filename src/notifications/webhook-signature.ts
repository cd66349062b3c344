import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Exports-Signature';
export const EVENT_ID_HEADER = 'Exports-Event-Id';

/** The form a webhook URL is keyed by: `https://Hooks.Example.com:443/x` and `https://hooks.example.com/x` are one target. */
export function canonicalWebhookUrl(url: string): string {
  return new URL(url).href;
}

/**
 * The signing secret of one webhook target: one owner's one URL. Derived from the master key
 * (WEBHOOK_SECRET) rather than stored, so its owner can read it again at any time, and a receiver
 * that knows its own secret cannot sign events for anyone else's endpoint, nor for another owner
 * posting to the same URL.
 */
export function webhookTargetSecret(masterKey: string, owner: string, url: string): string {
  const target = JSON.stringify(['exports-webhook-target', owner, canonicalWebhookUrl(url)]);
  return `whsec_${createHmac('sha256', masterKey).update(target).digest('base64url')}`;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, as Stripe signs: the timestamp is
 * signed with the body, so a receiver can refuse replays of an old delivery.
 */
export function webhookSignature(secret: string, rawBody: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}
