import { ScheduleRunner } from '../src/schedules/schedule-runner.service';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { download, expectedCsvRows, parseCsv, pythonCsv, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { oracleSql } from './support/oracle';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const columns = new EzpassExportQuery().columns.filter((column) => !column.optional);
const JANUARY = { from_posting_date: '2024-01-01', to_posting_date: '2024-01-31' };
const JANUARY_SQL = oracleSql(
  'EZPASS',
  columns.map((c) => c.key),
  "t.posting_date BETWEEN '2024-01-01' AND '2024-01-31'",
);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DEFAULTS = { delimiter: ',', bom: true, line_ending: 'crlf', header: true };

describe('csv options: delimiter, BOM, line ending, header (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');

  const jobCount = async (): Promise<number> => Number((await stack.db.query('SELECT COUNT(*) AS n FROM export_jobs'))[0].n);
  const post = (body: object, headers: Record<string, string> = {}) =>
    app.http().post('/api/exports/request').set(bearer(alice)).set(headers).send(body);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    // Text with commas, semicolons, tabs, pipes, quotes and line breaks in the plazas: quoting gets tested on real rows.
    const plazas = ['GWB, UPPER; LEVEL', 'TAB\tPLAZA', 'PIPE|PLAZA', 'SAY "HI"', 'TWO\nLINES', '=FORMULA()'];
    await insertRows(
      stack.db,
      'ezpass_transactions',
      ezpassRows(600, 3).map((row, i) => ({ ...row, entry_plaza: plazas[i % plazas.length] })),
    );
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function csvExport(csv?: object): Promise<{ bytes: Buffer; status: Record<string, unknown> }> {
    const id = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv', filters: JANUARY, ...(csv ? { csv } : {}) });
    const status = await waitForExport(app.http, alice, id);
    expect(status.status).toBe('COMPLETED');
    const file = await download(app.http, alice, id);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    return { bytes: file.body, status: status as unknown as Record<string, unknown> };
  }

  it.each([
    { delimiter: ';', bom: false, line_ending: 'lf', header: true },
    { delimiter: '\t', bom: true, line_ending: 'crlf', header: false },
    { delimiter: '|', bom: false, line_ending: 'crlf', header: false },
    { delimiter: ',', bom: true, line_ending: 'lf', header: true },
  ])('writes %j: both parsers, set the same way, read the SQL rows back', async (options) => {
    const { bytes, status } = await csvExport(options);
    const expected = await expectedCsvRows(stack.db, columns, JANUARY_SQL);
    const withHeader = options.header ? [columns.map((c) => c.header), ...expected] : expected;

    expect(status.csv).toEqual(options);
    expect(expected.length).toBeGreaterThan(20);
    expect(bytes.subarray(0, 3).equals(BOM)).toBe(options.bom);
    const text = bytes.toString('utf8');
    expect(text.endsWith(options.line_ending === 'crlf' ? '\r\n' : '\n')).toBe(true);
    if (options.line_ending === 'lf') expect(text.replace(/"[^"]*"/g, '')).not.toContain('\r');
    expect(await parseCsv(text, options.delimiter)).toEqual(withHeader);
    expect(pythonCsv(bytes, options)).toEqual(withHeader);
  });

  it('keeps the defaults without csv options (comma, BOM, CRLF, header) and shows them in the status', async () => {
    const { bytes, status } = await csvExport();
    expect(status.csv).toEqual(DEFAULTS);
    expect(bytes.subarray(0, 3)).toEqual(BOM);
    expect(bytes.toString('utf8')).toContain(`${columns.map((c) => c.header).join(',')}\r\n`);
    expect(pythonCsv(bytes, { delimiter: ',', bom: true })).toEqual([
      columns.map((c) => c.header),
      ...(await expectedCsvRows(stack.db, columns, JANUARY_SQL)),
    ]);

    const json = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'json', filters: JANUARY });
    expect((await app.http().get(`/api/exports/${json}/status`).set(bearer(alice))).body.csv).toBeNull();
  });

  it('refuses wrong options with a 400 naming each field, and csv options with another format, creating nothing', async () => {
    const before = await jobCount();
    const wrong = await post({
      export_type: 'EZPASS',
      format: 'csv',
      csv: { delimiter: 'semicolon', bom: 'no', line_ending: '\r\n', header: 0, quote: "'" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toEqual([
      'csv.quote is not a csv option; options: delimiter, bom, line_ending, header',
      'csv.delimiter must be one of: ",", ";", "\\t", "|" ("\\t" is a tab)',
      'csv.bom must be true or false',
      'csv.line_ending must be one of: "crlf", "lf"',
      'csv.header must be true or false',
    ]);

    const json = await post({ export_type: 'EZPASS', format: 'json', csv: { delimiter: ';' } });
    expect(json.status).toBe(400);
    expect(json.body.message).toEqual([
      'csv applies to the csv format only; json files have no delimiter, byte-order mark or header row to choose',
    ]);
    const notObject = await post({ export_type: 'EZPASS', format: 'csv', csv: ';' });
    expect(notObject.status).toBe(400);
    expect(notObject.body.message).toEqual(['csv must be an object such as {"delimiter": ";", "bom": false}']);
    expect(await jobCount()).toBe(before);
  });

  it('counts csv options in the Idempotency-Key request: other options are another request, the defaults are none', async () => {
    const body = { export_type: 'EZPASS', format: 'csv', filters: JANUARY, csv: { delimiter: ';' } };
    const first = await post(body, { 'Idempotency-Key': 'semicolons' });
    expect(first.status).toBe(202);
    const again = await post({ ...body, csv: { delimiter: ';', bom: true } }, { 'Idempotency-Key': 'semicolons' });
    expect([again.status, again.body.export_id]).toEqual([200, first.body.export_id]);
    const other = await post({ ...body, csv: { delimiter: '\t' } }, { 'Idempotency-Key': 'semicolons' });
    expect(other.status).toBe(422);

    const plain = await post({ export_type: 'EZPASS', format: 'csv', filters: JANUARY }, { 'Idempotency-Key': 'plain' });
    const explicitDefaults = await post(
      { export_type: 'EZPASS', format: 'csv', filters: JANUARY, csv: DEFAULTS },
      { 'Idempotency-Key': 'plain' },
    );
    expect([explicitDefaults.status, explicitDefaults.body.export_id]).toEqual([200, plain.body.export_id]);
    await waitForExport(app.http, alice, first.body.export_id);
    await waitForExport(app.http, alice, plain.body.export_id);
  });

  it("carries a schedule's csv options into every export it makes, and refuses wrong ones when it is made", async () => {
    const csv = { delimiter: ';', line_ending: 'lf' };
    const created = await app
      .http()
      .post('/api/exports/schedules')
      .set(bearer(alice))
      .send({ cron: '0 2 1 * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv', filters: JANUARY, csv });
    expect(created.status).toBe(201);
    expect(created.body.csv).toEqual(csv);

    const id = await app.app.get(ScheduleRunner).run(created.body.schedule_id as string, new Date());
    const status = await waitForExport(app.http, alice, id as number);
    expect(status).toMatchObject({ status: 'COMPLETED', csv: { ...DEFAULTS, ...csv } });
    const text = (await download(app.http, alice, id as number)).body.toString('utf8');
    expect(text.split('\n')[0]).toBe(`\uFEFF${columns.map((c) => c.header).join(';')}`);
    expect((await parseCsv(text, ';')).slice(1)).toEqual(await expectedCsvRows(stack.db, columns, JANUARY_SQL));

    const wrong = await app
      .http()
      .post('/api/exports/schedules')
      .set(bearer(alice))
      .send({ cron: '0 2 1 * *', timezone: 'UTC', export_type: 'EZPASS', format: 'json', csv: { delimiter: ':' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toEqual(
      expect.arrayContaining([
        'csv applies to the csv format only; json files have no delimiter, byte-order mark or header row to choose',
        'csv.delimiter must be one of: ",", ";", "\\t", "|" ("\\t" is a tab)',
      ]),
    );
  });

  it('documents the csv options, ndjson and zip in the OpenAPI document', async () => {
    const { schemas } = (await app.http().get('/api/docs-json')).body.components;
    const request = schemas.CreateExportDto.properties;
    expect(request.format.enum).toContain('ndjson');
    expect(request.compression.enum).toEqual(['gzip', 'zip']);
    expect(request.csv.allOf ?? [request.csv]).toEqual(
      expect.arrayContaining([expect.objectContaining({ $ref: '#/components/schemas/CsvOptionsRequestDto' })]),
    );
    expect(schemas.CsvOptionsRequestDto.properties.delimiter.enum).toEqual([',', ';', '\t', '|']);
    expect(schemas.CsvOptionsRequestDto.properties.line_ending.enum).toEqual(['crlf', 'lf']);
    expect(schemas.CsvOptionsRequestDto.required).toBeUndefined();
    expect(Object.keys(schemas.ExportStatusDto.properties)).toContain('csv');
  });
});
