import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { ExportNotifier } from '../src/notifications/export-notifier.service';
import type { ExportEventPayload } from '../src/notifications/notification-content';
import { NOTIFICATION_QUEUE } from '../src/notifications/notification-queue';
import { redisOptions } from '../src/redis/redis-options';
import { parseCsv, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { signatureIsValid, SmtpSink, WebhookReceiver } from './support/notification-peers';
import type { ReceivedWebhook } from './support/notification-peers';
import { waitFor } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { REDIS_SERVER } from './support/test-env';
import { bearer, tokenFor } from './support/tokens';

const WEBHOOK_SECRET = 'whsec-test-0123456789abcdef0123456789abcdef';
const PUBLIC_URL = 'https://exports.example.test';
const ROWS = 25;

interface OutboxRow {
  channel: string;
  outcome: string;
  status: string;
  attempts: number;
  last_error: string | null;
  delivered_at: Date | null;
}

const eventOf = (request: ReceivedWebhook): ExportEventPayload => JSON.parse(request.rawBody) as ExportEventPayload;

/** The signing secret of the caller's webhook target at `url`, as its owner reads it from the API. */
async function targetSecret(http: () => ReturnType<TestApp['http']>, token: string, url: string): Promise<string> {
  const response = await http().post('/api/exports/webhook-secret').set(bearer(token)).send({ webhook_url: url });
  if (response.status !== 200) throw new Error(`Expected 200, got ${response.status}: ${JSON.stringify(response.body)}`);
  expect(response.headers['cache-control']).toBe('no-store');
  return (response.body as { secret: string }).secret;
}

const outbox = (stack: TestStack, exportId: number): Promise<OutboxRow[]> =>
  stack.db.query(
    'SELECT channel, outcome, status, attempts, last_error, delivered_at FROM export_notifications WHERE export_id = ? ORDER BY id',
    [exportId],
  );

/** Polls until the export has `rows` outbox rows, none of them pending, and `queueIdle` agrees. */
async function settledOutbox(
  stack: TestStack,
  exportId: number,
  rows: number,
  queueIdle: () => Promise<boolean> = async () => true,
): Promise<OutboxRow[]> {
  await waitFor(
    async () => {
      const current = await outbox(stack, exportId);
      return current.length === rows && current.every((row) => row.status !== 'pending') && (await queueIdle());
    },
    30_000,
    () => `notifications of export ${exportId} to settle`,
  );
  return outbox(stack, exportId);
}

describe('Export notifications (MariaDB, BullMQ on Redis, real HTTP and SMTP peers)', () => {
  let receiver: WebhookReceiver;
  let smtp: SmtpSink;
  let stack: TestStack;
  let app: TestApp;
  let notificationQueue: Queue;
  const alice = tokenFor('alice');
  const http = () => app.http();

  /** Waits until no notification job is waiting, delayed or running, too. */
  const waitForNotifications = (exportId: number, rows: number): Promise<OutboxRow[]> =>
    settledOutbox(stack, exportId, rows, async () =>
      Object.values(await notificationQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((count) => count === 0),
    );

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    smtp = await SmtpSink.start();
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Exports <exports@example.test>',
        WEBHOOK_SECRET,
        PUBLIC_URL,
        NOTIFY_RETRY_BASE_MS: '50',
        EXPORT_ATTEMPTS: '1',
      },
    });
    notificationQueue = new Queue(NOTIFICATION_QUEUE, { connection: redisOptions(REDIS_SERVER), prefix: stack.config.queuePrefix });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(ROWS, 9));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await notificationQueue?.close();
    await stack?.teardown();
    await receiver?.close();
    await smtp?.close();
  });

  it('announces a completed export once by signed webhook and once by email, with links to the API only', async () => {
    const path = '/hooks/completed';
    const id = await requestExport(http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      notify: { webhook_url: receiver.url(path), email: 'alice@example.test' },
    });
    const status = await waitForExport(http, alice, id);
    expect(status.status).toBe('COMPLETED');
    const rows = await waitForNotifications(id, 2);
    expect(rows.map((row) => [row.channel, row.outcome, row.status, row.attempts])).toEqual([
      ['webhook', 'completed', 'delivered', 1],
      ['email', 'completed', 'delivered', 1],
    ]);

    const [hook, ...extraHooks] = receiver.at(path);
    expect(extraHooks).toHaveLength(0);
    expect(hook.headers['content-type']).toBe('application/json');
    const secret = await targetSecret(http, alice, receiver.url(path));
    expect(signatureIsValid(secret, hook.headers['exports-signature'], hook.rawBody)).toBe(true);
    expect(signatureIsValid('some-other-secret-of-enough-length-000000', hook.headers['exports-signature'], hook.rawBody)).toBe(false);
    const signedAt = Number(/t=(\d+)/.exec(String(hook.headers['exports-signature']))?.[1]);
    expect(Math.abs(Date.now() / 1000 - signedAt)).toBeLessThan(300);
    const event = eventOf(hook);
    expect(hook.headers['exports-event-id']).toBe(event.id);
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'export.completed',
      created: expect.any(Number),
      data: {
        export_id: id,
        status: 'COMPLETED',
        export_type: 'EZPASS',
        format: 'csv',
        total_records: ROWS,
        file_name: status.file_name,
        file_size: status.file_size,
        status_url: `${PUBLIC_URL}/api/exports/${id}/status`,
        download_url: `${PUBLIC_URL}/api/exports/${id}/download`,
      },
    });

    // The link is the API route: with the owner's token it serves the file.
    const file = await http()
      .get(new URL(event.data.download_url as string).pathname)
      .set(bearer(alice));
    expect(file.status).toBe(200);
    expect(await parseCsv(file.text)).toHaveLength(ROWS + 1);

    const [mail, ...extraMails] = smtp.to('alice@example.test');
    expect(extraMails).toHaveLength(0);
    expect(mail.from).toBe('exports@example.test');
    expect(mail.subject).toBe('Your EZPass tolls export is ready');
    expect(mail.text).toContain(`Rows: ${ROWS}`);
    expect(mail.text).toContain(`File: ${status.file_name} (${status.file_size} bytes)`);
    expect(mail.text).toContain(`Download: ${PUBLIC_URL}/api/exports/${id}/download`);
    expect(mail.text).toContain(`Status: ${PUBLIC_URL}/api/exports/${id}/status`);

    const [{ storage_key: storageKey }] = await stack.db.query('SELECT storage_key FROM export_jobs WHERE id = ?', [id]);
    for (const sent of [hook.rawBody, mail.raw]) {
      expect(sent).not.toContain(storageKey);
      expect(sent).not.toContain(stack.exportDir);
    }
  });

  it("signs each target's events with that target's own secret: another target's secret, or the master key, does not verify them", async () => {
    const bob = tokenFor('bob');
    const [aliceUrl, bobUrl] = [receiver.url('/hooks/alice-own'), receiver.url('/hooks/bob-own')];
    const ids = [
      await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', notify: { webhook_url: aliceUrl } }),
      await requestExport(http, bob, { export_type: 'EZPASS', format: 'csv', notify: { webhook_url: bobUrl } }),
    ];
    for (const [i, id] of ids.entries()) {
      expect((await waitForExport(http, i === 0 ? alice : bob, id)).status).toBe('COMPLETED');
      await waitForNotifications(id, 1);
    }
    const [aliceHook] = receiver.at('/hooks/alice-own');
    const [bobHook] = receiver.at('/hooks/bob-own');
    const aliceSecret = await targetSecret(http, alice, aliceUrl);
    const bobSecret = await targetSecret(http, bob, bobUrl);

    expect(aliceSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(signatureIsValid(aliceSecret, aliceHook.headers['exports-signature'], aliceHook.rawBody)).toBe(true);
    expect(signatureIsValid(bobSecret, bobHook.headers['exports-signature'], bobHook.rawBody)).toBe(true);
    // Bob's receiver, knowing its own secret, cannot forge an event alice's receiver would accept, nor the reverse.
    expect(signatureIsValid(bobSecret, aliceHook.headers['exports-signature'], aliceHook.rawBody)).toBe(false);
    expect(signatureIsValid(aliceSecret, bobHook.headers['exports-signature'], bobHook.rawBody)).toBe(false);
    // Asking for the secret of someone else's URL gives a secret of one's own, which verifies nothing of theirs.
    const bobsForAliceUrl = await targetSecret(http, bob, aliceUrl);
    expect(bobsForAliceUrl).not.toBe(aliceSecret);
    expect(signatureIsValid(bobsForAliceUrl, aliceHook.headers['exports-signature'], aliceHook.rawBody)).toBe(false);
    expect(signatureIsValid(WEBHOOK_SECRET, aliceHook.headers['exports-signature'], aliceHook.rawBody)).toBe(false);
    // The same target asked again, in another spelling of the URL, has the same secret.
    expect(await targetSecret(http, alice, aliceUrl.replace('http://', 'HTTP://').replace('/hooks/', '/hooks/./'))).toBe(aliceSecret);
  });

  it('retries a webhook the receiver refuses with backoff and stops at the first 2xx', async () => {
    const path = '/hooks/flaky';
    receiver.answer(path, [500, 500]);
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'json', notify: { webhook_url: receiver.url(path) } });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    const [row] = await waitForNotifications(id, 1);

    expect(row).toMatchObject({ channel: 'webhook', status: 'delivered', attempts: 3, last_error: null });
    expect(row.delivered_at).not.toBeNull();
    const requests = receiver.at(path);
    expect(requests.map((request) => request.answered)).toEqual([500, 500, 200]);
    // The same event each time: receivers deduplicate on the id.
    expect(new Set(requests.map((request) => request.headers['exports-event-id'])).size).toBe(1);
    expect(new Set(requests.map((request) => request.rawBody)).size).toBe(1);
    const secret = await targetSecret(http, alice, receiver.url(path));
    expect(requests.every((request) => signatureIsValid(secret, request.headers['exports-signature'], request.rawBody))).toBe(true);
    expect(eventOf(requests[2]).data).toMatchObject({ export_id: id, format: 'json', total_records: ROWS });
  });

  it('announces a failed export with export.failed and the reason, and no download link', async () => {
    const path = '/hooks/failed';
    // A file where the partial-file folder must be: the export cannot open its output.
    const partialDir = join(stack.exportDir, '.partial');
    rmSync(partialDir, { recursive: true, force: true });
    writeFileSync(partialDir, 'not a folder');
    try {
      const id = await requestExport(http, alice, {
        export_type: 'EZPASS',
        format: 'csv',
        notify: { webhook_url: receiver.url(path), email: 'alice+failed@example.test' },
      });
      const status = await waitForExport(http, alice, id);
      expect(status.status).toBe('FAILED');
      await waitForNotifications(id, 2);

      const [hook, ...extra] = receiver.at(path);
      expect(extra).toHaveLength(0);
      expect(signatureIsValid(await targetSecret(http, alice, receiver.url(path)), hook.headers['exports-signature'], hook.rawBody)).toBe(
        true,
      );
      expect(eventOf(hook)).toMatchObject({
        type: 'export.failed',
        data: {
          export_id: id,
          status: 'FAILED',
          error: status.error,
          download_url: null,
          status_url: `${PUBLIC_URL}/api/exports/${id}/status`,
        },
      });
      const [mail, ...extraMails] = smtp.to('alice+failed@example.test');
      expect(extraMails).toHaveLength(0);
      expect(mail.subject).toBe('Your EZPass tolls export failed');
      expect(mail.text).toContain(`Reason: ${status.error}`);
      expect(mail.text).not.toContain('/download');
    } finally {
      rmSync(partialDir, { force: true });
    }
  });

  it('sends once when the same outcome is announced again, even concurrently', async () => {
    const path = '/hooks/twice';
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv' });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    await stack.db.query('UPDATE export_jobs SET notify = ? WHERE id = ?', [JSON.stringify({ webhook_url: receiver.url(path) }), id]);

    const notifier = app.app.get(ExportNotifier);
    await Promise.all([notifier.announce(id), notifier.announce(id)]);
    await waitForNotifications(id, 1);
    await notifier.announce(id);
    const [row] = await waitForNotifications(id, 1);

    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.at(path)).toHaveLength(1);
    expect(eventOf(receiver.at(path)[0])).toMatchObject({ type: 'export.completed', data: { export_id: id } });
  });
});

describe('Export notifications in the embedded profile (SQLite, in-process queue, no SMTP)', () => {
  let receiver: WebhookReceiver;
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');
  const http = () => app.http();

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    stack = await createTestStack({ database: 'sqlite', redis: false, env: { WEBHOOK_SECRET, PUBLIC_URL, NOTIFY_RETRY_BASE_MS: '50' } });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(ROWS, 9));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    await receiver?.close();
  });

  it('refuses notify.email with 400 while SMTP_URL is unset, and creates nothing', async () => {
    const response = await http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .send({ export_type: 'EZPASS', format: 'csv', notify: { email: 'alice@example.test' } });
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual(['notify.email cannot be used: email is not configured on this server (SMTP_URL is unset)']);
    expect(await stack.db.query('SELECT id FROM export_jobs')).toEqual([]);
  });

  it('delivers a signed webhook from the in-process queue, retrying after a refusal', async () => {
    const path = '/hooks/embedded';
    receiver.answer(path, [503]);
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', notify: { webhook_url: receiver.url(path) } });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    const [row] = await settledOutbox(stack, id, 1);

    expect(row).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });
    const requests = receiver.at(path);
    expect(requests.map((request) => request.answered)).toEqual([503, 200]);
    const secret = await targetSecret(http, alice, receiver.url(path));
    expect(signatureIsValid(secret, requests[1].headers['exports-signature'], requests[1].rawBody)).toBe(true);
    expect(eventOf(requests[1]).data).toMatchObject({ export_id: id, total_records: ROWS });
  });
});
