/** A notification that can never be delivered as addressed: it fails at once, since a retry would only repeat the refusal. */
export class PermanentDeliveryError extends Error {}

/** The webhook's host is, or resolves to, an address that is not public while WEBHOOK_ALLOW_PRIVATE is off. */
export class NonPublicWebhookError extends PermanentDeliveryError {
  constructor(host: string) {
    super(`The webhook was not sent: its host ${host} is not a public address (loopback, private, link-local or reserved)`);
  }
}
