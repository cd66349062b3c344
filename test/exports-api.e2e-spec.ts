import { download, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

describe('Exports API (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');
  const admin = tokenFor('root', ['admin']);
  let aliceExport: number;

  const jobCount = async (): Promise<number> => Number((await stack.db.query('SELECT COUNT(*) AS n FROM export_jobs'))[0].n);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(500, 3));
    app = await startTestApp(stack);
    aliceExport = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv' });
    await waitForExport(app.http, alice, aliceExport);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  describe('isolation', () => {
    it("returns 404 for another user's export, on status and download", async () => {
      expect((await app.http().get(`/api/exports/${aliceExport}/status`).set(bearer(bob))).status).toBe(404);
      expect((await download(app.http, bob, aliceExport)).status).toBe(404);
    });

    it('returns the same 404 for an export that does not exist', async () => {
      const response = await app.http().get('/api/exports/999999/status').set(bearer(bob));
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Export 999999 not found');
    });

    it('lets an admin see and download any export', async () => {
      expect((await app.http().get(`/api/exports/${aliceExport}/status`).set(bearer(admin))).body.status).toBe('COMPLETED');
      expect((await download(app.http, admin, aliceExport)).status).toBe(200);
    });

    it("lists only the caller's exports, newest first, paginated", async () => {
      const second = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'json' });
      await waitForExport(app.http, alice, second);
      const page = await app.http().get('/api/exports/my-exports?page=1&per_page=1').set(bearer(alice));
      expect(page.body).toMatchObject({ total_items: 2, page: 1, per_page: 1, total_pages: 2 });
      expect(page.body.items.map((item: { export_id: number }) => item.export_id)).toEqual([second]);
      const capped = await app.http().get('/api/exports/my-exports?per_page=500').set(bearer(alice));
      expect(capped.body.per_page).toBe(100);
      expect((await app.http().get('/api/exports/my-exports').set(bearer(bob))).body).toMatchObject({ items: [], total_items: 0 });
    });
  });

  describe('bad input', () => {
    const valid = { export_type: 'EZPASS', format: 'csv' };
    it.each([
      ['an unknown type', { ...valid, export_type: 'TAXES' }, 'export_type'],
      ['an unknown format', { ...valid, format: 'xml' }, 'format'],
      ['an unknown filter key', { ...valid, filters: { color: 'red' } }, 'filters.color'],
      ['an impossible date', { ...valid, filters: { from_posting_date: '2024-13-01' } }, 'filters.from_posting_date'],
      [
        'from after to',
        { ...valid, filters: { from_posting_date: '2024-02-01', to_posting_date: '2024-01-01' } },
        'filters.to_posting_date',
      ],
      ['an amount that is not a number', { ...valid, filters: { from_amount: 'abc' } }, 'filters.from_amount'],
      [
        '1,001 values in a multi-value filter',
        { ...valid, filters: { plate_number: Array.from({ length: 1001 }, (_, i) => `P${i}`) } },
        'filters.plate_number',
      ],
      ['an unknown top-level field', { ...valid, priority: 'high' }, 'priority'],
      ['an unknown column', { ...valid, columns: ['amount', 'color'] }, 'columns'],
      ['a webhook URL that is not one', { ...valid, notify: { webhook_url: 'not a url' } }, 'notify.webhook_url must be an http(s) URL'],
      ['an unknown notify field', { ...valid, notify: { sms: '+1 555 0100' } }, 'property notify.sms should not exist'],
      ['csv options that are not', { ...valid, csv: { delimiter: ':' } }, 'csv.delimiter'],
    ])('refuses %s with 400 naming the field, creating nothing', async (_label, body, field) => {
      const before = await jobCount();
      const response = await app.http().post('/api/exports/request').set(bearer(alice)).send(body);
      expect(response.status).toBe(400);
      expect((response.body.message as string[]).join(' | ')).toContain(field);
      expect(await jobCount()).toBe(before);
    });

    it('names every offending field in one answer', async () => {
      const response = await app
        .http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .send({ ...valid, format: 'doc', filters: { from_amount: 'x', to_posting_date: '2024-02-30' } });
      expect(response.status).toBe(400);
      const message = (response.body.message as string[]).join(' | ');
      for (const field of ['format', 'filters.from_amount', 'filters.to_posting_date']) expect(message).toContain(field);
    });

    it('refuses a body that is not JSON, and a 2 MB body, with 400 and no stack trace', async () => {
      const before = await jobCount();
      const notJson = await app
        .http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .set('Content-Type', 'application/json')
        .send('{"export_type": EZPASS');
      expect(notJson.status).toBe(400);
      expect(notJson.body.message).toEqual(['The request body is not valid JSON']);
      const huge = await app
        .http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .send({ ...valid, filters: { plate_number: 'X'.repeat(2 * 1024 * 1024) } });
      expect(huge.status).toBe(400);
      expect(JSON.stringify(huge.body)).not.toMatch(/at .*node_modules|stack/);
      expect(await jobCount()).toBe(before);
    });

    it('treats an SQL-looking value as a plain value that matches nothing', async () => {
      const id = await requestExport(app.http, alice, {
        ...valid,
        format: 'json',
        filters: { plate_number: "' OR 1=1 --", entry_plaza: ['GWB', "x'); DROP TABLE export_jobs; --"] },
      });
      const final = await waitForExport(app.http, alice, id);
      expect(final).toMatchObject({ status: 'COMPLETED', processed_records: 0 });
      expect(JSON.parse((await download(app.http, alice, id)).body.toString())).toEqual([]);
      expect(Number((await stack.db.query('SELECT COUNT(*) AS n FROM ezpass_transactions'))[0].n)).toBe(500);
    });

    it('answers 409 while an export is not finished', async () => {
      const [{ id }]: { id: number }[] = await stack.db.query(
        "INSERT INTO export_jobs (user_id, export_type, format, filters, status, created_at) VALUES ('alice', 'EZPASS', 'csv', '{}', 'PROCESSING', NOW()) RETURNING id",
      );
      expect((await download(app.http, alice, id)).status).toBe(409);
    });
  });
});
