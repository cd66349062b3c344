import { ScheduleRunner } from '../src/schedules/schedule-runner.service';
import { ezpassRows, insertRows } from './support/factories';
import { waitForExport } from './support/exports';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const LEDGER_TYPES = ['LEDGER_POSTINGS', 'LEDGER_BALANCES'];
const FLEET_TYPES = ['CURB', 'EZPASS', 'PVB'];

describe('Per-type permissions: ledger types need the finance role (MariaDB, BullMQ worker)', () => {
  let stack: TestStack;
  let app: TestApp;
  const plain = tokenFor('pat');
  const finance = tokenFor('fiona', ['finance']);
  const admin = tokenFor('ada', ['admin']);
  const count = async (table: string): Promise<number> => Number((await stack.db.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(50, 3));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it.each(LEDGER_TYPES)('refuses %s to a caller without finance: 403 naming the role, nothing created', async (type) => {
    const response = await app.http().post('/api/exports/request').set(bearer(plain)).send({ export_type: type, format: 'csv' });
    expect(response.status).toBe(403);
    expect(response.body.message).toBe(`${type} exports need the finance role, which your token does not have; nothing was created.`);
    expect(await count('export_jobs')).toBe(0);
  });

  it('does not tell a caller without the role anything more about a forbidden type, even for a bad body', async () => {
    const response = await app
      .http()
      .post('/api/exports/request')
      .set(bearer(plain))
      .send({ export_type: 'LEDGER_BALANCES', format: 'csv', filters: { secret_filter: 1 } });
    expect(response.status).toBe(403);
    expect(JSON.stringify(response.body)).not.toContain('valid filters');
  });

  it('lists only the types each caller may export', async () => {
    const types = async (token: string) =>
      ((await app.http().get('/api/exports/types').set(bearer(token))).body as { export_type: string }[]).map((t) => t.export_type).sort();
    expect(await types(plain)).toEqual(FLEET_TYPES);
    expect(await types(finance)).toEqual([...FLEET_TYPES, ...LEDGER_TYPES].sort());
    expect(await types(admin)).toEqual([...FLEET_TYPES, ...LEDGER_TYPES].sort());
    const unknown = await app.http().post('/api/exports/request').set(bearer(plain)).send({ export_type: 'NOPE', format: 'csv' });
    expect(unknown.body.message).toEqual([`export_type must be one of: ${['EZPASS', 'PVB', 'CURB'].join(', ')}`]);
  });

  it.each([
    ['finance', finance],
    ['admin', admin],
  ])('exports ledger types for a %s token', async (_role, token) => {
    for (const type of LEDGER_TYPES) {
      const response = await app.http().post('/api/exports/request').set(bearer(token)).send({ export_type: type, format: 'json' });
      expect(response.status).toBe(202);
      expect((await waitForExport(app.http, token, response.body.export_id)).status).toBe('COMPLETED');
    }
  });

  it('refuses a ledger schedule to a caller without finance, and runs a finance owner’s with her role', async () => {
    const schedule = { cron: '0 2 1 * *', timezone: 'UTC', export_type: 'LEDGER_BALANCES', format: 'csv' };
    const before = await count('export_schedules');
    const refused = await app.http().post('/api/exports/schedules').set(bearer(plain)).send(schedule);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('LEDGER_BALANCES exports need the finance role');
    expect(await count('export_schedules')).toBe(before);

    const created = await app.http().post('/api/exports/schedules').set(bearer(finance)).send(schedule);
    expect(created.status).toBe(201);
    const exportId = await app.app.get(ScheduleRunner).run(created.body.schedule_id, new Date());
    expect((await waitForExport(app.http, finance, exportId as number)).status).toBe('COMPLETED');
    await app.http().delete(`/api/exports/schedules/${created.body.schedule_id}`).set(bearer(finance));
  });
});
