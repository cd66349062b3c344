import { createHmac } from 'node:crypto';
import { loadConfig } from '../../config/app-config';
import { webhookSignature, webhookTargetSecret } from '../webhook-signature';

const JWT_SECRET = 'jwt-secret-for-the-webhook-signature-spec-0001';

describe(webhookSignature.name, () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256 and names the timestamp', () => {
    const body = '{"id":"evt","type":"export.completed"}';
    const expected = createHmac('sha256', 'the-secret').update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature('the-secret', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('uses WEBHOOK_SECRET when set, and otherwise a stable key derived from JWT_SECRET that is not JWT_SECRET itself', () => {
    const explicit = loadConfig({ JWT_SECRET, WEBHOOK_SECRET: 'w'.repeat(32), EXPORT_DIR: '/tmp/unused-exports' }, false);
    expect(explicit.webhookSecret).toBe('w'.repeat(32));

    const derived = loadConfig({ JWT_SECRET, EXPORT_DIR: '/tmp/unused-exports' }, false).webhookSecret;
    expect(derived).toBe(createHmac('sha256', JWT_SECRET).update('exports-webhook-signing').digest('hex'));
    expect(derived).not.toContain(JWT_SECRET);
    expect(loadConfig({ JWT_SECRET: `${JWT_SECRET}-other`, EXPORT_DIR: '/tmp/unused-exports' }, false).webhookSecret).not.toBe(derived);
  });

  it('refuses a WEBHOOK_SECRET shorter than 32 characters', () => {
    expect(() => loadConfig({ JWT_SECRET, WEBHOOK_SECRET: 'short' }, false)).toThrow('WEBHOOK_SECRET must be at least 32 characters');
  });
});

describe(webhookTargetSecret.name, () => {
  const master = 'm'.repeat(32);
  const secret = webhookTargetSecret(master, 'alice', 'https://hooks.example.com/exports');

  it('is one stable secret per owner and URL, whatever the spelling of the URL', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhookTargetSecret(master, 'alice', 'HTTPS://Hooks.Example.com:443/exports')).toBe(secret);
  });

  it('differs for another owner of the same URL, another URL of the same owner, and another master key', () => {
    const others = [
      webhookTargetSecret(master, 'bob', 'https://hooks.example.com/exports'),
      webhookTargetSecret(master, 'Alice', 'https://hooks.example.com/exports'),
      webhookTargetSecret(master, 'alice', 'https://hooks.example.com/exports/other'),
      webhookTargetSecret('n'.repeat(32), 'alice', 'https://hooks.example.com/exports'),
    ];
    expect(new Set([secret, ...others]).size).toBe(others.length + 1);
    expect(secret).not.toContain(master);
  });
});
