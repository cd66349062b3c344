import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Exports-Signature';
export const EVENT_ID_HEADER = 'Exports-Event-Id';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, as Stripe signs: the timestamp is
 * signed with the body, so a receiver can refuse replays of an old delivery.
 */
export function webhookSignature(secret: string, rawBody: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}
