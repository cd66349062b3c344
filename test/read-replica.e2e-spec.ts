import { DataSource } from 'typeorm';
import type { MysqlDatabaseConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { seedDatabase } from '../src/database/seed/seeder';
import type { ExportColumn } from '../src/exports/query/export-query.provider';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { download, expectedCsvRows, parseCsv, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { oracleSql } from './support/oracle';
import { createMariaDb } from './support/test-env';
import type { TestDatabase } from './support/test-env';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

interface JobRow {
  id: number;
  status: string;
}

describe('DATABASE_READ_URL: exports read a replica, jobs stay on the primary (MariaDB)', () => {
  let replica: TestDatabase;
  let stack: TestStack;
  let replicaDb: DataSource;
  let app: TestApp;
  let columns: ExportColumn[];
  const token = tokenFor('rhea');

  beforeAll(async () => {
    // Two databases on one server stand in for a primary and its replica: same schema, different rows.
    replica = await createMariaDb('replica');
    stack = await createTestStack({
      database: 'mariadb',
      redis: false,
      env: { DATABASE_READ_URL: replica.url, EXPORT_READ_BATCH_ROWS: '100' },
    });
    const readDatabase = stack.config.readDatabase as MysqlDatabaseConfig;
    await runMigrations(readDatabase, stack.domains);
    await seedDatabase(stack.config.database, { rows: 300, seed: 1, until: '2025-06-30' });
    await seedDatabase(readDatabase, { rows: 200, seed: 7, until: '2025-06-30' });
    replicaDb = new DataSource(dataSourceOptions(readDatabase, stack.domains));
    await replicaDb.initialize();
    app = await startTestApp(stack);
    columns = app.app
      .get(ExportQueryRegistry)
      .get('EZPASS')
      .columns.filter((column) => !column.optional);
  });

  afterAll(async () => {
    await app?.close();
    await replicaDb?.destroy();
    await stack?.teardown();
    await replica?.drop();
  });

  const expectedSql = () =>
    oracleSql(
      'EZPASS',
      columns.map((column) => column.key),
    );

  it('writes exactly the read database’s rows, and says when its snapshot was taken', async () => {
    const requested = Date.now();
    const id = await requestExport(app.http, token, { export_type: 'EZPASS', format: 'csv' });
    const status = await waitForExport(app.http, token, id);
    expect(status.status).toBe('COMPLETED');

    const [, ...rows] = await parseCsv((await download(app.http, token, id)).body.toString('utf8'));
    const fromReplica = await expectedCsvRows(replicaDb, columns, expectedSql());
    const fromPrimary = await expectedCsvRows(stack.db, columns, expectedSql());
    expect(fromReplica).not.toEqual(fromPrimary);
    expect(rows).toEqual(fromReplica);
    expect(status.total_records).toBe(fromReplica.length);

    // the snapshot was taken by the read server between the request and the file's completion
    const { snapshot_at } = (await app.http().get(`/api/exports/${id}/status`).set(bearer(token))).body as { snapshot_at: string };
    const snapshotAt = new Date(snapshot_at).getTime();
    expect(snapshotAt).toBeGreaterThanOrEqual(Math.floor(requested / 1000) * 1000);
    expect(snapshotAt).toBeLessThanOrEqual(new Date(status.completed_at as string).getTime() + 1000);
  });

  it('keeps the job, its audit trail and its state on the primary only', async () => {
    const id = await requestExport(app.http, token, { export_type: 'EZPASS', format: 'json' });
    expect((await waitForExport(app.http, token, id)).status).toBe('COMPLETED');
    expect(await stack.db.query<JobRow[]>('SELECT id, status FROM export_jobs WHERE id = ?', [id])).toEqual([{ id, status: 'COMPLETED' }]);
    expect(
      Number((await stack.db.query<{ n: string }[]>('SELECT COUNT(*) AS n FROM export_events WHERE export_id = ?', [id]))[0].n),
    ).toBeGreaterThan(0);
    expect(await replicaDb.query('SELECT id FROM export_jobs')).toEqual([]);
    expect(await replicaDb.query('SELECT id FROM export_events')).toEqual([]);
  });

  it('counts a pdf request against the pdf limit where the rows are read', async () => {
    // over the limit on the replica only: the primary's few rows would pass
    await insertRows(replicaDb, 'ezpass_transactions', ezpassRows(10_001, 3));
    const response = await app.http().post('/api/exports/request').set(bearer(token)).send({ export_type: 'EZPASS', format: 'pdf' });
    expect(response.status).toBe(422);
    expect(JSON.stringify(response.body)).toMatch(/10,\d{3} records match/);
    expect(await stack.db.query('SELECT id FROM export_jobs WHERE format = ?', ['pdf'])).toEqual([]);
  });
});
