import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Page } from 'playwright-core';
import { EXPORT_QUEUE } from '../src/exports/jobs/export-queue';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { redisOptions } from '../src/redis/redis-options';
import { axeViolations, launchBrowser, setTabHidden, tabTo } from './support/browser';
import type { TestBrowser } from './support/browser';
import { excelValue, expectedCsvRows, parseCsv, pythonCsv, readXlsx, requestExport, waitForExport } from './support/exports';
import { seedEzpass } from './support/faults/seed';
import { freePort, waitFor } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';
import { oracleSql } from './support/oracle';
import { unzipEntry, unzipTest } from './support/zip-files';

const EZPASS = new EzpassExportQuery();
const DEFAULT_COLUMNS = EZPASS.columns.filter((column) => !column.optional);
/** `UPDATE_SCREENSHOT=1 npx jest test/export-center.e2e-spec.ts` refreshes the docs' picture of a running export. */
const SCREENSHOT = process.env.UPDATE_SCREENSHOT ? join(__dirname, '..', 'docs', 'export-center.png') : undefined;
/** ... and its picture of the admin view. */
const ADMIN_SCREENSHOT = process.env.UPDATE_SCREENSHOT ? join(__dirname, '..', 'docs', 'export-center-admin.png') : undefined;

describe('Export Center page (Chromium; MariaDB, BullMQ and a worker in process)', () => {
  let stack: TestStack;
  let app: TestApp;
  let browser: TestBrowser;
  let baseUrl: string;
  const downloads = mkdtempSync(join(tmpdir(), 'export-center-downloads-'));
  /** Script errors and CSP violations of every page, checked after each test. */
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { EXPORT_PROGRESS_MS: '100', EXPORT_CONCURRENCY: '1', DEV_SIGN_IN: 'true' },
    });
    await seedEzpass(stack.db, 120_000, 5);
    app = await startTestApp(stack, 'all');
    const port = await freePort();
    await app.app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stack?.teardown();
    rmSync(downloads, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(consoleErrors.splice(0)).toEqual([]);
  });

  async function openPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (message) => {
      // Chromium logs every 4xx answer too; those are expected here, the page's own errors are not.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(`${baseUrl}/export-center`);
    return page;
  }

  /** A new tab signed in by pasting `user`'s token, once My exports has loaded (the heading shows before the list). */
  async function signedIn(user: string, roles: string[] = []): Promise<Page> {
    const page = await openPage();
    await page.getByLabel('Access token').fill(tokenFor(user, roles));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await myExportsLoaded(page);
    return page;
  }

  /** The heading shows before the list has loaded: wait for its exports, or for the sentence that there are none. */
  async function myExportsLoaded(page: Page): Promise<void> {
    await page.locator('#export-list > li:visible, #list-empty:visible').first().waitFor();
  }

  const item = (page: Page, id: number) => page.locator(`#export-${id}`);
  const badgeOf = (page: Page, id: number) => item(page, id).locator('.badge');

  async function firstExportId(page: Page): Promise<number> {
    await page.locator('#export-list > li').first().waitFor();
    return Number(await page.locator('#export-list > li').first().getAttribute('data-export-id'));
  }

  async function waitForStatus(page: Page, id: number, label: string, timeout = 60_000): Promise<void> {
    await badgeOf(page, id)
      .filter({ hasText: new RegExp(`^${label}$`) })
      .waitFor({ timeout });
  }

  /** The bar's value now, or null when the export shows no bar. */
  async function progressOf(page: Page, id: number): Promise<number | null> {
    const now = await item(page, id).locator('progress').getAttribute('aria-valuenow');
    return now === null ? null : Number(now);
  }

  /** Each new value of the bar of export `id` until its badge reads Ready; `eachLook` runs at every look at it. */
  async function progressUntilReady(page: Page, id: number, eachLook?: (progress: number | null) => Promise<void>): Promise<number[]> {
    const seen: number[] = [];
    await waitFor(
      async () => {
        const now = await progressOf(page, id);
        if (now !== null && now !== seen[seen.length - 1]) seen.push(now);
        await eachLook?.(now);
        return (await badgeOf(page, id).textContent()) === 'Ready';
      },
      60_000,
      () => `export ${id} did not get ready`,
    );
    return seen;
  }

  /** Paths matching `pattern` that the page requests from now on, in order. */
  function requestsTo(page: Page, pattern: RegExp): string[] {
    const paths: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (pattern.test(path)) paths.push(path);
    });
    return paths;
  }

  /** The app's open events streams, for a test to drop them mid-export as a flaky network or a proxy would. */
  function trackEventStreams(): { open(): number; drop(): number; stop(): void } {
    const server = app.app.getHttpServer() as Server;
    const open = new Set<IncomingMessage>();
    const track = (request: IncomingMessage, response: ServerResponse): void => {
      if (!/^\/api\/exports\/\d+\/events/.test(request.url ?? '')) return;
      open.add(request);
      response.once('close', () => open.delete(request));
    };
    server.on('request', track);
    return {
      open: () => open.size,
      drop: () => {
        const dropped = open.size;
        for (const request of open) request.socket.destroy();
        return dropped;
      },
      stop: () => server.off('request', track),
    };
  }

  /** Runs `action` (a request from the form, say) and returns the id of the export it puts on top of the list. */
  async function newExportFrom(page: Page, action: () => Promise<void>): Promise<number> {
    const topId = (): Promise<number> =>
      page.locator('#export-list > li').evaluateAll((items) => Number(items[0]?.getAttribute('data-export-id') ?? 0));
    const before = await topId();
    await action();
    let id = before;
    await waitFor(
      async () => (id = await topId()) !== before,
      10_000,
      () => 'no new export appeared on top of My exports',
    );
    return id;
  }

  async function downloadFrom(page: Page, button: () => Promise<void>): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), button()]);
    const path = join(downloads, download.suggestedFilename());
    await download.saveAs(path);
    return path;
  }

  async function fillPostingDates(page: Page, from: string, to: string): Promise<void> {
    const group = page.getByRole('group', { name: 'Posting Date' });
    await group.getByLabel('Period').selectOption('custom');
    await group.getByLabel('From').fill(from);
    await group.getByLabel('To').fill(to);
  }

  async function expectNoAxeViolations(page: Page): Promise<void> {
    expect(await axeViolations(page)).toEqual([]);
  }

  it('serves the page under a strict Content-Security-Policy and signs in with a pasted token', async () => {
    const response = await fetch(`${baseUrl}/export-center/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain('unsafe-inline');

    const page = await signedIn('empty-user');
    expect(await page.locator('#user-label').textContent()).toBe('Signed in as empty-user');
    expect(await page.locator('#list-empty').isVisible()).toBe(true);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('offers only the export types the token may export: ledger types need the finance role', async () => {
    const typeLabels = async (page: Page) => (await page.getByLabel('Export type').locator('option').allTextContents()).sort();
    const plain = await signedIn('pat');
    expect(await typeLabels(plain)).toEqual(['CURB trips', 'EZPass tolls', 'Parking violations']);
    await plain.close();
    const finance = await signedIn('fiona', ['finance']);
    expect(await typeLabels(finance)).toEqual(['CURB trips', 'EZPass tolls', 'Ledger balances', 'Ledger postings', 'Parking violations']);
    await finance.close();
  });

  it('requests an EZPass Excel export: it appears at once, the bar rises, it is ready, and the .xlsx has the right rows', async () => {
    const page = await signedIn('alice');
    await page.getByLabel('Export type').selectOption({ label: 'EZPass tolls' });
    expect(await page.getByLabel('Format').inputValue()).toBe('excel');
    await fillPostingDates(page, '2024-01-01', '2024-01-31');
    await page.getByRole('button', { name: 'Request export' }).click();

    const id = await firstExportId(page);
    expect(await item(page, id).locator('h3').textContent()).toBe('EZPass tolls · Jan 2024 · xlsx');
    let screenshotTaken = false;
    const seen = await progressUntilReady(page, id, async (progress) => {
      if (SCREENSHOT && !screenshotTaken && progress !== null && progress >= 30 && progress < 90) {
        screenshotTaken = true;
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
      }
    });
    expect(seen.some((progress) => progress > 0 && progress < 100)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await page.locator('#announcer').textContent()).toBe('EZPass tolls · Jan 2024 · xlsx is ready to download.');
    await expectNoAxeViolations(page);

    const file = await downloadFrom(page, () => item(page, id).getByRole('button', { name: 'Download' }).click());
    expect(file).toMatch(new RegExp(`ezpass_2024-01-01_2024-01-31_${id}\\.xlsx$`));
    const [[, rows]] = await readXlsx(file, DEFAULT_COLUMNS.length);
    const expected: Record<string, unknown>[] = await stack.db.query(
      oracleSql(
        'EZPASS',
        DEFAULT_COLUMNS.map((c) => c.key),
        "t.posting_date BETWEEN '2024-01-01' AND '2024-01-31'",
      ),
    );
    expect(rows[0]).toEqual(DEFAULT_COLUMNS.map((column) => column.header));
    expect(rows.length - 1).toBe(expected.length);
    expect(rows.slice(1)).toEqual(expected.map((row) => DEFAULT_COLUMNS.map((column) => excelValue(column.type, row[column.key]))));
    await page.close();
  });

  it('writes exactly the 3 chosen columns, in the order of the list, to the CSV header', async () => {
    const page = await signedIn('dave');
    await page.getByLabel('Format').selectOption('csv');
    await fillPostingDates(page, '2024-01-01', '2024-01-03');
    await page.getByLabel('Choose columns').check();
    const picker = page.getByRole('group', { name: 'Columns to include' });
    for (const box of await picker.getByRole('checkbox').all()) await box.uncheck();
    for (const header of ['Amount', 'Plate', 'Posting Date']) await picker.getByLabel(header, { exact: true }).check();
    await page.getByRole('button', { name: 'Request export' }).click();

    const id = await firstExportId(page);
    await waitForStatus(page, id, 'Ready');
    const file = await downloadFrom(page, () => item(page, id).getByRole('button', { name: 'Download' }).click());
    const [header, ...rows] = await parseCsv(readFileSync(file, 'utf8'));
    expect(header).toEqual(['Posting Date', 'Plate', 'Amount']);
    const [{ n }] = await stack.db.query(
      "SELECT COUNT(*) AS n FROM ezpass_transactions WHERE posting_date BETWEEN '2024-01-01' AND '2024-01-03'",
    );
    expect(rows.length).toBe(Number(n));
    expect(await item(page, id).locator('.summary').textContent()).toBe('Posting Date: 2024-01-01 to 2024-01-03 · 3 chosen columns');
    await page.close();
  });

  it('writes a zipped semicolon CSV without a BOM from More options, which show only for the formats they apply to', async () => {
    const page = await signedIn('zoe');
    const more = page.locator('#more-options');
    expect(await page.getByLabel('Format').inputValue()).toBe('excel');
    expect(await more.isVisible()).toBe(false);
    await page.getByLabel('Format').selectOption('ndjson');
    await page.getByText('More options').click();
    expect(await page.getByRole('group', { name: 'Compression' }).isVisible()).toBe(true);
    expect(await page.getByRole('group', { name: 'CSV file' }).isVisible()).toBe(false);

    await page.getByLabel('Format').selectOption('csv');
    await fillPostingDates(page, '2024-01-01', '2024-01-03');
    await page.getByLabel(/^zip/).check();
    const csv = page.getByRole('group', { name: 'CSV file' });
    await csv.getByLabel('Delimiter').selectOption({ label: 'Semicolon ( ; ), as Excel expects in much of Europe' });
    await csv.getByLabel('Line endings').selectOption('lf');
    await csv.getByLabel('Byte-order mark').uncheck();
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Request export' }).click();

    const id = await firstExportId(page);
    await waitForStatus(page, id, 'Ready');
    expect(await item(page, id).locator('h3').textContent()).toBe('EZPass tolls · 2024-01-01 to 2024-01-03 · csv.zip');
    const file = await downloadFrom(page, () => item(page, id).getByRole('button', { name: 'Download' }).click());
    const entry = `ezpass_2024-01-01_2024-01-03_${id}.csv`;
    expect(file).toMatch(new RegExp(`${entry}\\.zip$`));
    expect(unzipTest(file)).toContain(`testing: ${entry}`);
    const bytes = unzipEntry(file, entry);
    const expected = await expectedCsvRows(
      stack.db,
      DEFAULT_COLUMNS,
      oracleSql(
        'EZPASS',
        DEFAULT_COLUMNS.map((c) => c.key),
        "t.posting_date BETWEEN '2024-01-01' AND '2024-01-03'",
      ),
    );
    expect(bytes[0]).not.toBe(0xef);
    expect(bytes.toString('utf8')).not.toContain('\r\n');
    expect(pythonCsv(bytes, { delimiter: ';', bom: false })).toEqual([DEFAULT_COLUMNS.map((c) => c.header), ...expected]);

    // Run again asks for the same file: the same options and compression.
    const again = await newExportFrom(page, () => item(page, id).getByRole('button', { name: 'Run again' }).click());
    const status = (
      await app
        .http()
        .get(`/api/exports/${again}/status`)
        .set(bearer(tokenFor('zoe')))
    ).body;
    expect(status).toMatchObject({ compression: 'zip', csv: { delimiter: ';', bom: false, line_ending: 'lf', header: true } });
    await page.close();
  });

  it('shows a bad date range next to the To field and sends nothing; API errors land next to their fields or above the button', async () => {
    const page = await signedIn('erin');
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/exports/request')) sent.push(request.postData() ?? '');
    });
    await fillPostingDates(page, '2024-02-01', '2024-01-01');
    await page.getByRole('button', { name: 'Request export' }).click();

    const to = page.getByRole('group', { name: 'Posting Date' }).getByLabel('To');
    await page.locator('#error-to_posting_date').waitFor();
    expect(await page.locator('#error-to_posting_date').textContent()).toBe('The end date must be on or after the start date.');
    expect(await to.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#filter-to_posting_date:focus').count()).toBe(1);
    expect(sent).toEqual([]);
    await expectNoAxeViolations(page);

    // A rule only the server knows: the 400 names the field, the page puts it next to that field.
    await fillPostingDates(page, '2024-01-01', '2024-01-31');
    await page.getByText('More filters').click();
    await page.getByRole('textbox', { name: 'Plate', exact: true }).fill(Array.from({ length: 1001 }, (_, i) => `P${i}`).join(','));
    await page.getByRole('button', { name: 'Request export' }).click();
    await page.locator('#error-plate_number').waitFor();
    expect(await page.locator('#error-plate_number').textContent()).toBe('"Plate" has 1,001 values; at most 1,000 are allowed.');
    expect(await page.locator('#error-to_posting_date').isVisible()).toBe(false);

    // 422: a PDF of more rows than the format allows is explained above the submit button.
    await page.getByRole('textbox', { name: 'Plate', exact: true }).fill('');
    await page.getByLabel('Format').selectOption('pdf');
    await page.getByRole('button', { name: 'Request export' }).click();
    await page.locator('#form-error').waitFor();
    const [{ n: january }] = await stack.db.query(
      "SELECT COUNT(*) AS n FROM ezpass_transactions WHERE posting_date BETWEEN '2024-01-01' AND '2024-01-31'",
    );
    expect(await page.locator('#form-error').textContent()).toBe(
      `${Number(january).toLocaleString('en-US')} records match these filters; pdf exports are limited to 10,000. Narrow the filters or choose csv, json or excel.`,
    );
    expect(sent).toHaveLength(2);
    expect(Number((await stack.db.query("SELECT COUNT(*) AS n FROM export_jobs WHERE user_id = 'erin'"))[0].n)).toBe(0);
    await page.close();
  });

  it('resumes a running export after a reload, and cancels it after a confirm: it shows Cancelled and never completes', async () => {
    const page = await signedIn('carol');
    await page.getByRole('button', { name: 'Request export' }).click();
    const id = await firstExportId(page);
    await waitForStatus(page, id, 'Running');
    await expectNoAxeViolations(page);
    await page.reload();
    await waitForStatus(page, id, 'Running');

    page.once('dialog', (dialog) => void dialog.accept());
    await item(page, id).getByRole('button', { name: 'Cancel' }).click();
    await waitForStatus(page, id, 'Cancelled');
    expect(await page.locator('#announcer').textContent()).toBe('EZPass tolls · all dates · xlsx was cancelled.');
    expect(await item(page, id).getByRole('button').allTextContents()).toEqual(['Run again']);
    expect((await stack.db.query('SELECT status FROM export_jobs WHERE id = ?', [id]))[0].status).toBe('CANCELLED');
    expect((await waitForExport(app.http, tokenFor('carol'), id)).status).toBe('CANCELLED');
    await page.close();
  });

  it("never shows user A's exports to user B", async () => {
    const [{ n }] = await stack.db.query("SELECT COUNT(*) AS n FROM export_jobs WHERE user_id = 'alice'");
    expect(Number(n)).toBeGreaterThan(0);
    const page = await signedIn('bob');
    expect(await page.locator('#list-empty').isVisible()).toBe(true);
    expect(await page.locator('#export-list > li').count()).toBe(0);
    await page.close();
  });

  it('shows a failed export with its reason and a Run again action', async () => {
    await stack.db.query(
      `INSERT INTO export_jobs (user_id, export_type, format, filters, status, progress, processed_records, total_records, attempts, error, created_at)
       VALUES ('frank', 'EZPASS', 'csv', '{}', 'FAILED', 40, 400, 1000, 3, 'The database connection was lost while reading rows.', NOW())`,
    );
    const page = await signedIn('frank');
    const id = await firstExportId(page);
    expect(await item(page, id).locator('.state').textContent()).toBe('Failed: The database connection was lost while reading rows.');
    expect(await item(page, id).getByRole('button').allTextContents()).toEqual(['Run again']);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('signs in with dev sign-in outside production', async () => {
    const page = await openPage();
    await page.getByLabel('User id').fill('devuser');
    await page.getByRole('button', { name: 'Dev sign-in' }).click();
    await page.getByRole('heading', { name: 'My exports' }).waitFor();
    expect(await page.locator('#user-label').textContent()).toBe('Signed in as devuser');
    await page.close();
  });

  it('says plainly that it is a development server, and shows Sign out only while signed in', async () => {
    const page = await openPage();
    await page.locator('#dev-form').waitFor();
    expect(await page.locator('#dev-server-notice').textContent()).toContain('Development server.');
    expect(await page.locator('#dev-server-notice').isVisible()).toBe(true);
    expect(await page.locator('#sign-out').isVisible()).toBe(false);
    await expectNoAxeViolations(page);

    await page.getByRole('button', { name: 'Dev sign-in' }).click();
    await page.getByRole('heading', { name: 'My exports' }).waitFor();
    expect(await page.locator('#sign-out').isVisible()).toBe(true);
    expect(await page.locator('#dev-server-notice').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await page.locator('#sign-out').isVisible()).toBe(false);
    await page.close();
  });

  it('runs the whole happy path by keyboard only: sign in, request, wait, download', async () => {
    const page = await openPage();
    await tabTo(page, '#token-input');
    await page.keyboard.type(tokenFor('kim'));
    await tabTo(page, '#token-form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My exports' }).waitFor();

    await tabTo(page, '#export-type');
    for (let i = 0; i < 10 && (await page.locator('#export-type').inputValue()) !== 'EZPASS'; i++) await page.keyboard.press('ArrowDown');
    await tabTo(page, '#filter-from_posting_date');
    await page.keyboard.type('01012024');
    await tabTo(page, '#filter-to_posting_date');
    await page.keyboard.type('01052024');
    expect(await page.locator('#preset-posting_date').inputValue()).toBe('custom');
    await tabTo(page, '#request-submit');
    await page.keyboard.press('Enter');

    const id = await firstExportId(page);
    await waitForStatus(page, id, 'Ready');
    await tabTo(page, `#export-${id} .action-download`);
    const file = await downloadFrom(page, () => page.keyboard.press('Enter'));
    const [[, rows]] = await readXlsx(file, DEFAULT_COLUMNS.length);
    const [{ n }] = await stack.db.query(
      "SELECT COUNT(*) AS n FROM ezpass_transactions WHERE posting_date BETWEEN '2024-01-01' AND '2024-01-05'",
    );
    expect(rows.length - 1).toBe(Number(n));
    await page.close();
  });

  it('titles a background tab "(N) ready" as its exports get ready, and "Export Center" again once the tab is in front', async () => {
    const page = await signedIn('gina');
    const requestFromForm = (): Promise<void> => page.getByRole('button', { name: 'Request export' }).click();
    await page.getByLabel('Format').selectOption('csv');
    await fillPostingDates(page, '2024-01-01', '2024-01-05');
    await setTabHidden(page, true);
    const first = await newExportFrom(page, requestFromForm);
    await waitForStatus(page, first, 'Ready');
    expect(await page.title()).toBe('(1) ready · Export Center');
    const second = await newExportFrom(page, requestFromForm);
    await waitForStatus(page, second, 'Ready');
    expect(await page.title()).toBe('(2) ready · Export Center');

    await setTabHidden(page, false);
    expect(await page.title()).toBe('Export Center');
    // In front, a ready export is announced and leaves the title alone.
    const third = await newExportFrom(page, () => item(page, second).getByRole('button', { name: 'Run again' }).click());
    await waitForStatus(page, third, 'Ready');
    expect(await page.locator('#announcer').textContent()).toBe('EZPass tolls · 2024-01-01 to 2024-01-05 · csv is ready to download.');
    expect(await page.title()).toBe('Export Center');
    await page.close();
  });

  it('follows an export by polling its status while the events stream is unreachable, also after a reload', async () => {
    // Paused, the queue holds the export until the page has been reloaded, so the reload surely comes before it is done.
    const queue = new Queue(EXPORT_QUEUE, { connection: redisOptions(stack.config.redisUrl as string), prefix: stack.config.queuePrefix });
    await queue.pause();
    try {
      const page = await signedIn('hana');
      await page.route('**/api/exports/*/events*', (route) => route.abort('connectionrefused'));
      await page.clock.install();
      const streams = requestsTo(page, /^\/api\/exports\/\d+\/events$/);
      const polls = requestsTo(page, /^\/api\/exports\/\d+\/status$/);
      await page.getByRole('button', { name: 'Request export' }).click();
      const id = await firstExportId(page);
      await waitFor(
        () => polls.length > 0,
        10_000,
        () => 'the page did not poll the status',
      );

      await page.reload();
      const pollsBeforeReload = polls.length;
      await waitForStatus(page, id, 'Waiting to start');
      await waitFor(
        () => polls.length > pollsBeforeReload,
        10_000,
        () => 'the page did not poll the status after the reload',
      );
      await queue.resume();
      // The page polls once a second: its clock is moved on at each look so the bar shows many steps.
      const seen = await progressUntilReady(page, id, () => page.clock.runFor(1000));
      expect(seen.some((progress) => progress > 0 && progress < 100)).toBe(true);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      // Every attempt at the stream, at least one per page load, was refused: the bar moved by polling alone.
      expect(streams.length).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#announcer').textContent()).toBe('EZPass tolls · all dates · xlsx is ready to download.');
      await page.close();
    } finally {
      await queue.resume();
      await queue.close();
    }
  });

  it('polls when the events stream drops, then goes back to the stream for the rest', async () => {
    const serverStreams = trackEventStreams();
    // Paused, the queue holds the export while its stream is cut and reopened, however fast the machine.
    const queue = new Queue(EXPORT_QUEUE, { connection: redisOptions(stack.config.redisUrl as string), prefix: stack.config.queuePrefix });
    await queue.pause();
    try {
      const page = await signedIn('ines');
      // The page waits a second between polls: the test moves its clock on rather than waiting them out.
      await page.clock.install();
      const streams = requestsTo(page, /^\/api\/exports\/\d+\/events$/);
      const polls = requestsTo(page, /^\/api\/exports\/\d+\/status$/);
      await page.getByRole('button', { name: 'Request export' }).click();
      const id = await firstExportId(page);
      await waitForStatus(page, id, 'Waiting to start');
      await waitFor(
        () => serverStreams.open() === 1,
        10_000,
        () => 'the page did not open the events stream',
      );
      expect(polls).toEqual([]);
      expect(serverStreams.drop()).toBe(1);

      await waitFor(
        async () => {
          await page.clock.runFor(1000);
          return streams.length === 2 && serverStreams.open() === 1;
        },
        20_000,
        () => `the page did not open the events stream again (${polls.length} polls)`,
      );
      const pollsOnReconnect = polls.length;
      expect(pollsOnReconnect).toBeGreaterThan(0);
      await queue.resume();
      await waitForStatus(page, id, 'Ready');
      expect(polls.length).toBe(pollsOnReconnect);
      expect(await page.locator('#announcer').textContent()).toBe('EZPass tolls · all dates · xlsx is ready to download.');
      await page.close();
    } finally {
      serverStreams.stop();
      await queue.resume();
      await queue.close();
    }
  });

  it('pages through more exports than fit on one page, newest first, with Older and Newer', async () => {
    const token = tokenFor('ivy');
    const days = Array.from({ length: 12 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
    for (const day of days) {
      const body = { export_type: 'EZPASS', format: 'csv', filters: { from_posting_date: day, to_posting_date: day } };
      await waitForExport(app.http, token, await requestExport(app.http, token, body));
    }
    const newestFirst = [...days].reverse().map((day) => `EZPass tolls · ${day} · csv`);
    const page = await signedIn('ivy');
    const titles = (): Promise<string[]> => page.locator('#export-list > li h3').allTextContents();
    const pageLabel = page.locator('#page-label');
    const newer = page.getByRole('button', { name: 'Newer' });
    const older = page.getByRole('button', { name: 'Older' });

    expect(await page.getByRole('navigation', { name: 'Pages of my exports' }).isVisible()).toBe(true);
    expect(await pageLabel.textContent()).toBe('Page 1 of 2');
    expect(await titles()).toEqual(newestFirst.slice(0, 10));
    expect([await newer.isDisabled(), await older.isDisabled()]).toEqual([true, false]);

    await older.click();
    await pageLabel.filter({ hasText: 'Page 2 of 2' }).waitFor();
    expect(await titles()).toEqual(newestFirst.slice(10));
    expect([await newer.isDisabled(), await older.isDisabled()]).toEqual([false, true]);
    // Older is disabled on the last page, so focus moves to Newer rather than falling to the page body.
    expect(await page.locator('#page-previous:focus').count()).toBe(1);
    await expectNoAxeViolations(page);

    await page.keyboard.press('Enter');
    await pageLabel.filter({ hasText: 'Page 1 of 2' }).waitFor();
    expect(await titles()).toEqual(newestFirst.slice(0, 10));
    expect(await page.locator('#page-next:focus').count()).toBe(1);

    // A request made while on page 2 shows on top of page 1.
    await older.click();
    await pageLabel.filter({ hasText: 'Page 2 of 2' }).waitFor();
    await page.getByLabel('Format').selectOption('csv');
    await fillPostingDates(page, '2024-01-13', '2024-01-13');
    const id = await newExportFrom(page, () => page.getByRole('button', { name: 'Request export' }).click());
    expect(await pageLabel.textContent()).toBe('Page 1 of 2');
    expect(await titles()).toEqual(['EZPass tolls · 2024-01-13 · csv', ...newestFirst.slice(0, 9)]);
    await waitForStatus(page, id, 'Ready');
    await page.close();
  });

  describe('for admins, and what a first visit shows', () => {
    const row = (page: Page, id: number) => page.locator(`#all-export-${id}`);
    const rowBadge = (page: Page, id: number) => row(page, id).locator('.badge');
    const announcer = (page: Page) => page.locator('#announcer');
    const noticeDownload = (page: Page) => page.locator('#notice-download');

    async function waitForRowStatus(page: Page, id: number, label: string): Promise<void> {
      await rowBadge(page, id)
        .filter({ hasText: new RegExp(`^${label}$`) })
        .waitFor({ timeout: 10_000 });
    }

    it("lists another user's export in All exports for an admin, narrowed by owner, status and type, and cancels and retries it there", async () => {
      // Paused, the queue keeps the export waiting while the admin finds and cancels it.
      const queue = new Queue(EXPORT_QUEUE, {
        connection: redisOptions(stack.config.redisUrl as string),
        prefix: stack.config.queuePrefix,
      });
      await queue.pause();
      try {
        const lena = tokenFor('lena');
        const id = await requestExport(app.http, lena, { export_type: 'EZPASS', format: 'csv' });
        await requestExport(app.http, tokenFor('mona'), { export_type: 'PVB', format: 'csv' });
        const page = await signedIn('olga', ['admin']);
        const admin = page.getByRole('region', { name: 'All exports' });
        await row(page, id).waitFor();
        expect(await row(page, id).locator('td').allTextContents()).toEqual([
          String(id),
          'lena',
          'Waiting to start',
          '–',
          expect.any(String),
          'Cancel',
        ]);
        expect(await row(page, id).locator('th').textContent()).toBe('EZPass tolls · all dates · csv');
        expect(await item(page, id).count()).toBe(0);
        await expectNoAxeViolations(page);
        if (ADMIN_SCREENSHOT) await admin.screenshot({ path: ADMIN_SCREENSHOT });

        await admin.getByLabel('Owner').fill('lena');
        await admin.getByLabel('Status').selectOption({ label: 'Waiting to start' });
        await admin.getByLabel('Type').selectOption({ label: 'EZPass tolls' });
        await admin.getByRole('button', { name: 'Show' }).click();
        await announcer(page).filter({ hasText: /match/ }).waitFor();
        const expected: { id: number }[] = await stack.db.query(
          "SELECT id FROM export_jobs WHERE user_id = 'lena' AND status = 'PENDING' AND export_type = 'EZPASS' ORDER BY id DESC",
        );
        const shown = await page
          .locator('#admin-rows > tr')
          .evaluateAll((rows) => rows.map((tr) => Number(tr.getAttribute('data-export-id'))));
        expect(shown).toEqual(expected.map((job) => Number(job.id)));
        expect(await page.locator('#admin-summary').textContent()).toBe(
          `${expected.length} ${expected.length === 1 ? 'export matches' : 'exports match'}, newest first.`,
        );

        const dialog = new Promise<string>((resolve) =>
          page.once('dialog', (shownDialog) => {
            resolve(shownDialog.message());
            void shownDialog.accept();
          }),
        );
        await row(page, id).getByRole('button', { name: 'Cancel' }).click();
        expect(await dialog).toBe('Cancel lena\'s export "EZPass tolls · all dates · csv"? The rows written so far are discarded.');
        await waitForRowStatus(page, id, 'Cancelled');
        expect(await announcer(page).textContent()).toBe('EZPass tolls · all dates · csv of lena was cancelled.');
        expect((await stack.db.query('SELECT status FROM export_jobs WHERE id = ?', [id]))[0].status).toBe('CANCELLED');
        expect(await row(page, id).getByRole('button').allTextContents()).toEqual(['Retry']);

        await row(page, id).getByRole('button', { name: 'Retry' }).click();
        await waitForRowStatus(page, id, 'Waiting to start');
        expect(await announcer(page).textContent()).toBe('EZPass tolls · all dates · csv of lena is queued again.');
        expect((await stack.db.query('SELECT status FROM export_jobs WHERE id = ?', [id]))[0].status).toBe('PENDING');
        await expectNoAxeViolations(page);

        await queue.resume();
        expect((await waitForExport(app.http, lena, id)).status).toBe('COMPLETED');
        await admin.getByLabel('Status').selectOption({ label: 'Any status' });
        await admin.getByRole('button', { name: 'Show' }).click();
        await waitForRowStatus(page, id, 'Ready');
        await page.close();
      } finally {
        await queue.resume();
        await queue.close();
      }
    });

    it("shows a plain user no admin view and never asks for everyone's exports", async () => {
      const page = await openPage();
      const adminCalls = requestsTo(page, /^\/api\/exports\/?$/);
      await page.getByLabel('Access token').fill(tokenFor('pat'));
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await myExportsLoaded(page);
      await page.reload();
      await myExportsLoaded(page);
      expect(await page.locator('#admin-view').isHidden()).toBe(true);
      expect(await page.getByRole('heading', { name: 'All exports' }).count()).toBe(0);
      expect(adminCalls).toEqual([]);
      await page.close();
    });

    it('offers the Download notice only while it is news: gone after the download and after a later error; a 0-row export says so', async () => {
      const page = await signedIn('nora');
      await page.getByLabel('Format').selectOption('csv');
      await fillPostingDates(page, '2024-01-01', '2024-01-02');
      // A small export can be ready before the page reads the list that shows it: make it so, it is still news.
      const myExports = /\/api\/exports\/my-exports/;
      await page.route(myExports, async (route) => {
        await waitFor(
          async () =>
            (await stack.db.query("SELECT status FROM export_jobs WHERE user_id = 'nora' ORDER BY id DESC LIMIT 1"))[0]?.status ===
            'COMPLETED',
          30_000,
          () => "nora's export did not complete",
        );
        await route.continue();
      });
      const id = await newExportFrom(page, () => page.getByRole('button', { name: 'Request export' }).click());
      await page.unroute(myExports);
      await waitForStatus(page, id, 'Ready');
      const name = 'EZPass tolls · 2024-01-01 to 2024-01-02 · csv';
      await noticeDownload(page).waitFor();
      expect(await noticeDownload(page).textContent()).toBe(`Download ${name}`);
      // Files are kept 7 days (the default EXPORT_RETENTION): the new one says 7, not 6.
      expect(await item(page, id).locator('.facts').textContent()).toMatch(/Expiresin 7 days$/);

      const file = await downloadFrom(page, () => noticeDownload(page).click());
      expect(file).toMatch(new RegExp(`_${id}\\.csv$`));
      expect(await announcer(page).textContent()).toBe(`Downloading ${name}.`);
      expect(await noticeDownload(page).isHidden()).toBe(true);

      const again = await newExportFrom(page, () => item(page, id).getByRole('button', { name: 'Run again' }).click());
      await waitForStatus(page, again, 'Ready');
      await noticeDownload(page).waitFor();
      // A later error takes the floor, and the notice of the earlier file goes with the message it came with.
      await page.getByLabel('Format').selectOption('pdf');
      await fillPostingDates(page, '2024-01-01', '2024-02-29');
      await page.getByRole('button', { name: 'Request export' }).click();
      await announcer(page).filter({ hasText: 'pdf exports are limited to 10,000' }).waitFor();
      expect(await noticeDownload(page).isHidden()).toBe(true);

      await page.getByLabel('Format').selectOption('csv');
      await page.getByText('More filters').click();
      await page.getByRole('textbox', { name: 'Plate', exact: true }).fill('NO-SUCH-PLATE');
      const empty = await newExportFrom(page, () => page.getByRole('button', { name: 'Request export' }).click());
      await waitForStatus(page, empty, 'Ready');
      await announcer(page).filter({ hasText: 'no rows' }).waitFor();
      expect(await announcer(page).textContent()).toBe(
        'EZPass tolls · 2024-01-01 to 2024-02-29 · csv is ready but has no rows: nothing matches its filters. Change the filters and request it again.',
      );
      expect(await noticeDownload(page).isHidden()).toBe(true);
      expect(await item(page, empty).locator('.state').textContent()).toBe('Ready: no rows match its filters');
      await expectNoAxeViolations(page);
      await page.close();
    });

    it('keeps the To field where and as wide as it was when its error appears', async () => {
      const page = await signedIn('omar');
      const to = page.getByRole('group', { name: 'Posting Date' }).getByLabel('To');
      await fillPostingDates(page, '2024-02-01', '2024-01-01');
      const before = await to.boundingBox();
      await page.getByRole('button', { name: 'Request export' }).click();
      await page.locator('#error-to_posting_date').waitFor();
      expect(await to.boundingBox()).toEqual(before);
      await page.close();
    });
  });
});

describe('Export Center on a server without dev sign-in (Chromium; SQLite, in-process queue)', () => {
  let stack: TestStack;
  let app: TestApp;
  let browser: TestBrowser;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: false });
    app = await startTestApp(stack, 'all');
    const port = await freePort();
    await app.app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stack?.teardown();
  });

  it('loads without a single console error (no probing of missing routes), with neither dev sign-in, development notice nor Sign out', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const answers: string[] = [];
    page.on('response', (response) => answers.push(`${response.status()} ${new URL(response.url()).pathname}`));
    await page.goto(`${baseUrl}/export-center`);
    await page.getByLabel('Access token').waitFor();
    await page.waitForLoadState('networkidle');

    expect(consoleErrors).toEqual([]);
    expect(answers.filter((answer) => answer.includes('/api/'))).toEqual(['200 /api/auth/options']);
    expect(await page.locator('#dev-form').isVisible()).toBe(false);
    expect(await page.locator('#dev-server-notice').isVisible()).toBe(false);
    expect(await page.locator('#sign-out').isVisible()).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
