import type { LookupAddress, LookupOptions } from 'node:dns';
import { guardedLookup } from '../guarded-lookup';
import type { Resolver } from '../guarded-lookup';
import { PermanentDeliveryError, RefusedWebhookHostError } from '../../notifications/notification.errors';
import { webhookAddressRefusal, webhookUrlRefusal } from '../public-address';

describe('public addresses (only public targets allowed)', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '192.0.2.10',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '2001:db8::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:169.254.169.254',
    '::ffff:8.8.8.8', // IPv4-mapped, even of a public address: ::ffff:0:0/96
    '::8.8.8.8', // IPv4-compatible: ::/96
    '::ffff:0:0',
    'fd00:ec2::254',
    '100.100.100.200',
    '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
    '64:ff9b::1', // NAT64 of 0.0.0.1
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    'localhost',
    'not an address',
    '',
  ])('refuses %s', (address) => {
    expect(webhookAddressRefusal(address, false)).toBeDefined();
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '172.15.255.255',
    '172.32.0.1',
    '169.255.0.1',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
  ])('accepts %s', (address) => {
    expect(webhookAddressRefusal(address, false)).toBeUndefined();
  });
});

describe(webhookAddressRefusal.name, () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '169.254.255.255',
    '100.100.100.200',
    'fe80::1',
    'fe80::1%eth0',
    'febf:ffff::1',
    'fd00:ec2::254',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::a9fe:a9fe', // IPv4-compatible
    '64:ff9b::a9fe:a9fe', // NAT64
    '2002:a9fe:a9fe::1', // 6to4
  ])('refuses the link-local or metadata address %s even where private targets are allowed', (address) => {
    expect(webhookAddressRefusal(address, true)).toBe('link-local');
    expect(webhookAddressRefusal(address, false)).toBe('link-local');
  });

  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '192.168.1.20',
    '::1',
    '::ffff:10.0.0.1',
    'fc00::1',
    'fd12:3456::1',
    '8.8.8.8',
    '2001:4860:4860::8888',
  ])('lets %s through where private targets are allowed', (address) => {
    expect(webhookAddressRefusal(address, true)).toBeUndefined();
  });

  it.each(['127.0.0.1', '10.0.0.1', '::1', '::ffff:10.0.0.1', 'fc00::1', 'not an address'])(
    'refuses %s as non-public where only public targets are allowed',
    (address) => {
      expect(webhookAddressRefusal(address, false)).toBe('non-public');
    },
  );
});

describe(webhookUrlRefusal.name, () => {
  it.each([
    'http://127.0.0.1:9/hook',
    'http://localhost/x',
    'http://LOCALHOST./x',
    'https://hooks.localhost/x',
    'http://[::1]/x',
    'http://[::ffff:10.0.0.1]/x',
    'http://[::ffff:8.8.8.8]/x',
    'http://[::8.8.8.8]/x',
    'http://0x7f.1/', // the URL parser reads this as 127.0.0.1
    'http://2130706433/',
  ])('refuses %s without a DNS lookup where only public targets are allowed', (url) => {
    expect(webhookUrlRefusal(url, false)).toBe('non-public');
  });

  it.each([
    'http://169.254.169.254/latest',
    'http://169.254.169.254.:80/latest',
    'http://0xa9fea9fe/latest',
    'http://2852039166/latest',
    'http://169.254.43518/latest',
    'http://[::ffff:169.254.169.254]/latest',
    'http://[fd00:ec2::254]/latest',
    'http://[fe80::1]/x',
    'http://100.100.100.200/latest',
  ])('refuses %s as link-local in every profile', (url) => {
    expect(webhookUrlRefusal(url, false)).toBe('link-local');
    expect(webhookUrlRefusal(url, true)).toBe('link-local');
  });

  it.each(['http://127.0.0.1:9/hook', 'http://localhost/x', 'http://[::1]/x', 'http://10.1.2.3/hook'])(
    'lets %s through where private targets are allowed',
    (url) => {
      expect(webhookUrlRefusal(url, true)).toBeUndefined();
    },
  );

  it.each(['https://hooks.example.com/exports', 'http://8.8.8.8/x', 'http://[2001:4860:4860::8888]/x', 'not a url'])(
    'leaves %s to the DNS check or the URL validation',
    (url) => {
      expect(webhookUrlRefusal(url, false)).toBeUndefined();
    },
  );
});

describe(guardedLookup.name, () => {
  /** A resolver answering from a table, counting the questions it was asked. */
  const resolverOf = (answers: Record<string, LookupAddress[]>): Resolver & { calls: string[] } => {
    const calls: string[] = [];
    const resolve: Resolver = (hostname, _options, callback) => {
      calls.push(hostname);
      const addresses = answers[hostname];
      if (addresses) callback(null, addresses);
      else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    };
    return Object.assign(resolve, { calls });
  };

  const lookUp = (resolve: Resolver, hostname: string, options: LookupOptions, allowPrivate = false) =>
    new Promise<{ address: string | LookupAddress[]; family?: number }>((done, fail) =>
      guardedLookup(allowPrivate, (host, refusal) => new RefusedWebhookHostError(host, refusal), resolve)(
        hostname,
        options,
        (error, address, family) => (error ? fail(error) : done({ address, family })),
      ),
    );

  const PUBLIC_ANSWER: LookupAddress[] = [
    { address: '93.184.215.14', family: 4 },
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
  ];

  it('hands the connection exactly the addresses it checked, from a single resolution', async () => {
    const resolve = resolverOf({ 'hooks.example.com': PUBLIC_ANSWER });
    await expect(lookUp(resolve, 'hooks.example.com', { all: true })).resolves.toEqual({ address: PUBLIC_ANSWER, family: undefined });
    await expect(lookUp(resolve, 'hooks.example.com', { family: 0 })).resolves.toEqual({ address: '93.184.215.14', family: 4 });
    // One question per connection: the answer checked is the answer connected to.
    expect(resolve.calls).toEqual(['hooks.example.com', 'hooks.example.com']);
  });

  it('refuses a host when any of its addresses is not public, as a permanent failure that does not reveal the address', async () => {
    const resolve = resolverOf({ 'rebound.example.com': [PUBLIC_ANSWER[0], { address: '169.254.169.254', family: 4 }] });
    const refusal = lookUp(resolve, 'rebound.example.com', { all: true });
    await expect(refusal).rejects.toBeInstanceOf(RefusedWebhookHostError);
    await expect(refusal).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(refusal).rejects.toThrow(
      'The webhook was not sent: its host rebound.example.com is a link-local or cloud metadata address, where this server never sends webhooks',
    );
    await expect(refusal).rejects.not.toThrow('169.254');
    const privateOne = lookUp(resolverOf({ 'intranet.example.com': [{ address: '10.0.0.7', family: 4 }] }), 'intranet.example.com', {
      all: true,
    });
    await expect(privateOne).rejects.toThrow(
      'The webhook was not sent: its host intranet.example.com is not a public address (loopback, private, link-local or reserved)',
    );
  });

  it('where private targets are allowed, still refuses a host that resolves to a metadata address, and lets a private one through', async () => {
    const resolve = resolverOf({
      'metadata.google.internal': [{ address: '169.254.169.254', family: 4 }],
      'aws-v6.example.com': [{ address: 'fd00:ec2::254', family: 6 }],
      'receiver.local.example': [{ address: '127.0.0.1', family: 4 }],
    });
    await expect(lookUp(resolve, 'metadata.google.internal', { all: true }, true)).rejects.toBeInstanceOf(RefusedWebhookHostError);
    await expect(lookUp(resolve, 'aws-v6.example.com', { all: true }, true)).rejects.toThrow('link-local or cloud metadata');
    await expect(lookUp(resolve, 'receiver.local.example', { family: 0 }, true)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('passes a DNS failure through as an ordinary, retryable error', async () => {
    const failure = lookUp(resolverOf({}), 'gone.example.com', { all: true });
    await expect(failure).rejects.toThrow('getaddrinfo ENOTFOUND gone.example.com');
    await expect(failure).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });
});
