import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import { ExportNotifier } from '../src/notifications/export-notifier.service';
import { NOTIFICATION_QUEUE } from '../src/notifications/notification-queue';
import { redisOptions } from '../src/redis/redis-options';
import { requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { WebhookReceiver } from './support/notification-peers';
import { waitFor } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { REDIS_SERVER } from './support/test-env';
import { bearer, tokenFor } from './support/tokens';

const GUARDED = { WEBHOOK_ALLOW_PRIVATE: 'false', NOTIFY_RETRY_BASE_MS: '50' };
const PUBLIC_ONLY =
  'notify.webhook_url must be a public address: this server does not send webhooks to loopback, private or link-local hosts';
const LINK_LOCAL =
  'notify.webhook_url must not be a link-local or cloud metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254): this server never sends webhooks there';
const refusalOf = (host: string) =>
  `The webhook was not sent: its host ${host} is not a public address (loopback, private, link-local or reserved)`;
const linkLocalRefusalOf = (host: string) =>
  `The webhook was not sent: its host ${host} is a link-local or cloud metadata address, where this server never sends webhooks`;
/** Link-local and metadata targets in spellings a user might try; refused in every profile. */
const METADATA_URLS = [
  'http://169.254.169.254/latest',
  'http://0xa9fea9fe/latest/meta-data/',
  'http://[fd00:ec2::254]/latest',
  'http://[::ffff:169.254.169.254]/latest',
  'http://[fe80::1]/x',
];

interface OutboxRow {
  status: string;
  attempts: number;
  last_error: string | null;
}

/**
 * A name that DNS (here /etc/hosts) answers with loopback only: it passes the request-time check, which
 * cannot see through names, and must be caught when the webhook is sent. Asserted first, so that a
 * broken guard could only ever reach this machine.
 */
async function loopbackName(): Promise<string> {
  const name = hostname();
  const addresses = await lookup(name, { all: true });
  expect(addresses.length).toBeGreaterThan(0);
  expect(addresses.every(({ address }) => address.startsWith('127.') || address === '::1')).toBe(true);
  return name;
}

/** Waits until the export's webhook row is no longer pending (and `idle` agrees), then reads it. */
async function settledWebhook(stack: TestStack, exportId: number, idle: () => Promise<boolean> = async () => true): Promise<OutboxRow> {
  const read = async (): Promise<OutboxRow | undefined> => {
    const rows = await stack.db.query<OutboxRow[]>(
      'SELECT status, attempts, last_error FROM export_notifications WHERE export_id = ? AND channel = ?',
      [exportId, 'webhook'],
    );
    return rows[0];
  };
  await waitFor(
    async () => {
      const row = await read();
      return row !== undefined && row.status !== 'pending' && (await idle());
    },
    30_000,
    () => `the webhook of export ${exportId} to settle`,
  );
  return (await read()) as OutboxRow;
}

describe('Webhook SSRF guard at request time, WEBHOOK_ALLOW_PRIVATE=false (MariaDB, API role)', () => {
  let stack: TestStack;
  let api: TestApp;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: GUARDED });
    // No worker: should a refusal regress, the export waits in the queue instead of notifying a real private address.
    api = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    await api?.close();
    await stack?.teardown();
  });

  it.each([
    ['http://127.0.0.1:9/hook', PUBLIC_ONLY],
    ['http://localhost/x', PUBLIC_ONLY],
    ['http://[::1]/x', PUBLIC_ONLY],
    ['http://[::ffff:10.0.0.1]/x', PUBLIC_ONLY],
    ['http://[::ffff:8.8.8.8]/x', PUBLIC_ONLY],
    ['http://[::8.8.8.8]/x', PUBLIC_ONLY],
    ...METADATA_URLS.map((url) => [url, LINK_LOCAL]),
  ])('refuses an export notifying %s with 400 and creates nothing', async (webhookUrl, message) => {
    const response = await api
      .http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .send({ export_type: 'EZPASS', format: 'csv', notify: { webhook_url: webhookUrl } });
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual([message]);
    expect(await stack.db.query('SELECT id FROM export_jobs')).toEqual([]);
  });

  it('refuses a schedule notifying a private address with 400, through the same check', async () => {
    const response = await api
      .http()
      .post('/api/exports/schedules')
      .set(bearer(alice))
      .send({ cron: '0 6 * * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv', notify: { webhook_url: 'http://10.1.2.3/hook' } });
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual([PUBLIC_ONLY]);
    expect(await stack.db.query('SELECT id FROM export_schedules')).toEqual([]);
  });
});

describe('Webhook SSRF guard at request time where private targets are allowed (WEBHOOK_ALLOW_PRIVATE=true, MariaDB, API role)', () => {
  let stack: TestStack;
  let api: TestApp;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    // No worker: an accepted webhook is never sent from this test.
    api = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    await api?.close();
    await stack?.teardown();
  });

  it.each(METADATA_URLS)('refuses an export notifying %s with 400 and creates nothing', async (webhookUrl) => {
    const response = await api
      .http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .send({ export_type: 'EZPASS', format: 'csv', notify: { webhook_url: webhookUrl } });
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual([LINK_LOCAL]);
    expect(await stack.db.query('SELECT id FROM export_jobs')).toEqual([]);
  });

  it('refuses a schedule notifying the metadata address, and accepts exports notifying loopback and private receivers', async () => {
    const schedule = (webhookUrl: string) =>
      api
        .http()
        .post('/api/exports/schedules')
        .set(bearer(alice))
        .send({ cron: '0 6 * * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv', notify: { webhook_url: webhookUrl } });
    const refused = await schedule('http://169.254.169.254/latest');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toEqual([LINK_LOCAL]);
    expect(await stack.db.query('SELECT id FROM export_schedules')).toEqual([]);

    for (const webhookUrl of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://10.1.2.3/hook']) {
      const response = await api
        .http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .send({ export_type: 'EZPASS', format: 'csv', notify: { webhook_url: webhookUrl } });
      expect(response.status).toBe(202);
    }
  });
});

describe('Webhook SSRF guard at delivery time, WEBHOOK_ALLOW_PRIVATE=false (MariaDB, BullMQ on Redis)', () => {
  let receiver: WebhookReceiver;
  let stack: TestStack;
  let app: TestApp;
  let notificationQueue: Queue;
  const alice = tokenFor('alice');
  const http = () => app.http();

  const queueIdle = async (): Promise<boolean> =>
    Object.values(await notificationQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((count) => count === 0);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { ...GUARDED, EXPORT_ATTEMPTS: '1' } });
    notificationQueue = new Queue(NOTIFICATION_QUEUE, { connection: redisOptions(REDIS_SERVER), prefix: stack.config.queuePrefix });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(5, 3));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await notificationQueue?.close();
    await stack?.teardown();
    await receiver?.close();
  });

  it('fails the webhook at once, without a request or a retry, when its host name resolves to loopback', async () => {
    const name = await loopbackName();
    const path = '/hooks/by-name';
    const id = await requestExport(http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      notify: { webhook_url: `http://${name}:${receiver.port}${path}` },
    });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');

    const row = await settledWebhook(stack, id, queueIdle);
    expect(row).toEqual({ status: 'failed', attempts: 1, last_error: refusalOf(name) });
    expect(receiver.received).toEqual([]);
    // Given up, not failed: BullMQ holds no retry and no failed job for it.
    expect(await notificationQueue.getJobCounts('delayed', 'failed')).toEqual({ delayed: 0, failed: 0 });
  });

  it('fails at once a webhook stored with a loopback address before the guard was on', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'json' });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    await stack.db.query('UPDATE export_jobs SET notify = ? WHERE id = ?', [
      JSON.stringify({ webhook_url: receiver.url('/hooks/stored') }),
      id,
    ]);

    await app.app.get(ExportNotifier).announce(id);
    const row = await settledWebhook(stack, id, queueIdle);
    expect(row).toEqual({ status: 'failed', attempts: 1, last_error: refusalOf('127.0.0.1') });
    expect(receiver.received).toEqual([]);
  });
});

describe('Webhook SSRF guard in the embedded profile (SQLite, in-process queue)', () => {
  let receiver: WebhookReceiver;
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');
  const http = () => app.http();

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    stack = await createTestStack({ database: 'sqlite', redis: false, env: GUARDED });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(5, 3));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    await receiver?.close();
  });

  it('fails the webhook at once, without a request, when its host name resolves to loopback', async () => {
    const name = await loopbackName();
    const id = await requestExport(http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      notify: { webhook_url: `http://${name}:${receiver.port}/hook` },
    });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');

    expect(await settledWebhook(stack, id)).toEqual({ status: 'failed', attempts: 1, last_error: refusalOf(name) });
    expect(receiver.received).toEqual([]);
  });
});

describe('Webhook SSRF guard at delivery time where private targets are allowed (WEBHOOK_ALLOW_PRIVATE=true, SQLite, in-process queue)', () => {
  let receiver: WebhookReceiver;
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');
  const http = () => app.http();

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    stack = await createTestStack({ database: 'sqlite', redis: false, env: { WEBHOOK_ALLOW_PRIVATE: 'true', NOTIFY_RETRY_BASE_MS: '50' } });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(5, 3));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    await receiver?.close();
  });

  it('delivers to a loopback receiver', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', notify: { webhook_url: receiver.url('/local') } });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    expect(await settledWebhook(stack, id)).toEqual({ status: 'delivered', attempts: 1, last_error: null });
    expect(receiver.at('/local')).toHaveLength(1);
  });

  it('fails at once, without a request or a retry, a webhook stored with a link-local address before the guard was on', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'json' });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    // Link-local without a zone: should the guard regress, the connection fails here rather than reaching a metadata service.
    await stack.db.query('UPDATE export_jobs SET notify = ? WHERE id = ?', [
      JSON.stringify({ webhook_url: 'http://[fe80::1]:9/hook' }),
      id,
    ]);

    await app.app.get(ExportNotifier).announce(id);
    expect(await settledWebhook(stack, id)).toEqual({ status: 'failed', attempts: 1, last_error: linkLocalRefusalOf('[fe80::1]') });
  });
});
