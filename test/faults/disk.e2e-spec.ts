import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { download, expectedCsvRows, parseCsv, requestExport, waitForExport } from '../support/exports';
import { auditEventsOnce, exportFiles, partialFiles } from '../support/faults/jobs';
import { ALL_EZPASS_COLUMNS, ezpassColumns, seedEzpass } from '../support/faults/seed';
import { mountTmpfs } from '../support/faults/tmpfs';
import type { Tmpfs } from '../support/faults/tmpfs';
import { createTestStack, startTestApp } from '../support/test-app';
import type { TestApp, TestStack } from '../support/test-app';
import { createTempDir } from '../support/test-env';
import { tokenFor } from '../support/tokens';
import { oracleSql } from '../support/oracle';

const columns = ezpassColumns(ALL_EZPASS_COLUMNS);
const EXPORT = { export_type: 'EZPASS', format: 'csv', columns: ALL_EZPASS_COLUMNS };
const STACK_TRACE = /\n\s+at |\.js:\d+/;

describe('Export directory faults (MariaDB, BullMQ on Redis, EXPORT_DIR on a small tmpfs)', () => {
  const scratch = createTempDir('faults-disk');
  let disk: Tmpfs;
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');
  const http = () => app.http();

  /** Nothing but the (empty) `.partial` folder may be left after a failed attempt. */
  const leftovers = (): string[] => readdirSync(disk.dir).filter((name) => name !== '.partial');

  async function expectCsvOfAllRows(id: number): Promise<void> {
    const file = await download(http, alice, id);
    expect(file.status).toBe(200);
    const [header, ...rows] = await parseCsv(file.body.toString('utf8'));
    expect(header).toEqual(columns.map((column) => column.header));
    const expected = await expectedCsvRows(stack.db, columns, oracleSql('EZPASS', ALL_EZPASS_COLUMNS));
    expect(rows).toEqual(expected);
  }

  beforeAll(async () => {
    // 5,000 rows make a ~1 MB CSV: four times what the 256 KiB file system holds.
    disk = mountTmpfs(join(scratch.path, 'exports'), '256k');
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { EXPORT_DIR: disk.dir, EXPORT_ATTEMPTS: '1', EXPORT_PROGRESS_MS: '100', EXPORT_CONCURRENCY: '1' },
    });
    await seedEzpass(stack.db, 5000, 51);
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    disk?.unmount();
    scratch.remove();
  });

  it('fails the export with a clear "disk full" message and leaves no partial file; once space is freed the next export completes', async () => {
    const id = await requestExport(http, alice, EXPORT);
    const failed = await waitForExport(http, alice, id, { timeoutMs: 30_000 });

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe(
      'The export server ran out of disk space while writing the file. Try again later or ask an operator to free space.',
    );
    expect(failed.error).not.toMatch(STACK_TRACE);
    expect((await auditEventsOnce(stack.db, id, 'failed')).map((event) => event.event)).toEqual(['created', 'started', 'failed']);
    expect(partialFiles(disk.dir)).toEqual([]);
    expect(leftovers()).toEqual([]);
    expect((await download(http, alice, id)).status).toBe(409);

    disk.remount('size=64m');
    const next = await requestExport(http, alice, EXPORT);
    expect((await waitForExport(http, alice, next, { timeoutMs: 30_000 })).status).toBe('COMPLETED');
    await expectCsvOfAllRows(next);
    expect(exportFiles(disk.dir, next)).toHaveLength(1);
    expect(partialFiles(disk.dir)).toEqual([]);
  });

  it('fails the export with a clear "not writable" message while EXPORT_DIR is read-only; once writable again the next export completes', async () => {
    disk.remount('ro');
    let id = 0;
    try {
      id = await requestExport(http, alice, EXPORT);
      const failed = await waitForExport(http, alice, id, { timeoutMs: 30_000 });
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toBe('The export directory is not writable. Ask an operator to check EXPORT_DIR permissions.');
      expect(exportFiles(disk.dir, id)).toEqual([]);
      expect(partialFiles(disk.dir)).toEqual([]);
    } finally {
      disk.remount('rw,size=64m');
    }

    const next = await requestExport(http, alice, EXPORT);
    expect((await waitForExport(http, alice, next, { timeoutMs: 30_000 })).status).toBe('COMPLETED');
    await expectCsvOfAllRows(next);
    expect(exportFiles(disk.dir, next)).toHaveLength(1);
    expect(exportFiles(disk.dir, id)).toEqual([]);
  });
});
