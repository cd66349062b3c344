import { authUser } from '../../auth/auth-user';
import { ExportRequestParser } from '../export-request.parser';
import { httpErrorOf, newTestExports } from './support/test-exports';

const alice = authUser('alice', []);
const parse = (body: unknown, env: NodeJS.ProcessEnv = {}, user = alice) => newTestExports(env).sut.parser.parse(body, user);

describe(ExportRequestParser.name, () => {
  it('normalises a valid request: filters, chosen columns, csv options, compression and notify targets', () => {
    const parsed = parse({
      export_type: 'TOLLS',
      format: 'csv',
      filters: { from_posting_date: '2024-01-01', to_posting_date: '2024-01-31', plate: 'T1,T2', from_amount: '-5' },
      columns: ['plate', 'amount'],
      csv: { delimiter: ';', bom: true },
      compression: 'gzip',
      notify: { webhook_url: 'https://hooks.example.com/exports' },
    });
    expect(parsed.provider.exportType).toBe('TOLLS');
    expect(parsed).toMatchObject({
      format: 'csv',
      filters: { from_posting_date: '2024-01-01', to_posting_date: '2024-01-31', plate: ['T1', 'T2'], from_amount: '-5' },
      columnKeys: ['plate', 'amount'],
      compression: 'gzip',
      csv: { delimiter: ';', bom: true },
      notify: { webhook_url: 'https://hooks.example.com/exports' },
    });
    expect(parsed.columns.map((column) => column.key)).toEqual(['plate', 'amount']);
  });

  it("takes the type's default columns, no csv options and no notify when they are left out", () => {
    const parsed = parse({ export_type: 'TOLLS', format: 'excel' });
    expect(parsed.columns.map((column) => column.key)).toEqual(['id', 'plate', 'amount', 'posting_date']);
    expect(parsed).toMatchObject({ columnKeys: null, compression: null, csv: null, notify: null, filters: {} });
  });

  it.each([null, [], 'TOLLS', 42])('answers 400 for a body that is not a JSON object (%j)', async (body) => {
    expect(await httpErrorOf(() => parse(body))).toEqual({ status: 400, message: ['The request body must be a JSON object'] });
  });

  it('names every offending field in one 400', async () => {
    const error = await httpErrorOf(() =>
      parse({
        export_type: 'TOLLS',
        format: 'csv',
        filters: { from_posting_date: '2024-02-30', to_amount: 'ten', trip_date: '2024-01-01' },
        columns: ['plate', 'colour', 'plate'],
        csv: { delimiter: 'ab' },
        unexpected: true,
      }),
    );
    expect(error.status).toBe(400);
    const messages = error.message as string[];
    expect(messages).toEqual(
      expect.arrayContaining([
        'property unexpected should not exist',
        expect.stringMatching(/^filters\.from_posting_date /),
        expect.stringMatching(/^filters\.to_amount /),
        expect.stringMatching(/^filters\.trip_date is not a filter of TOLLS; valid filters: from_posting_date, to_posting_date/),
        'columns has unknown keys: colour; valid columns: id, plate, amount, posting_date, note',
        'columns lists plate more than once',
        expect.stringMatching(/^csv\.delimiter /),
      ]),
    );
    expect(messages).toHaveLength(7);
  });

  it('answers an unknown type and a bad format together, listing only the types the caller may export', async () => {
    expect(await httpErrorOf(() => parse({ export_type: 'GADGETS', format: 'xml' }))).toEqual({
      status: 400,
      message: ['format must be one of: excel, csv, json, ndjson, pdf', 'export_type must be one of: TOLLS'],
    });
    const finance = authUser('fay', ['finance']);
    expect((await httpErrorOf(() => parse({ export_type: 'GADGETS', format: 'csv' }, {}, finance))).message).toEqual([
      'export_type must be one of: TOLLS, WIDGETS',
    ]);
  });

  it('answers 403 for a type the caller may not export before looking at anything else in the body', async () => {
    expect(await httpErrorOf(() => parse({ export_type: 'WIDGETS', format: 'xml', filters: { nonsense: 1 } }))).toEqual({
      status: 403,
      message: 'WIDGETS exports need the finance role, which your token does not have; nothing was created.',
    });
    expect(parse({ export_type: 'WIDGETS', format: 'csv' }, {}, authUser('fay', ['finance'])).provider.exportType).toBe('WIDGETS');
  });

  it.each(['excel', 'pdf'])('refuses compression of %s files', async (format) => {
    expect(await httpErrorOf(() => parse({ export_type: 'TOLLS', format, compression: 'zip' }))).toEqual({
      status: 400,
      message: [`compression applies to csv, json, ndjson only; ${format} files are already compressed or not streamable`],
    });
  });

  it('refuses csv options on another format and an unknown compression', async () => {
    const { message } = await httpErrorOf(() => parse({ export_type: 'TOLLS', format: 'json', csv: { bom: true }, compression: 'rar' }));
    expect(message).toEqual(['compression must be one of: gzip, zip', expect.stringMatching(/^csv /)]);
  });

  it('reports the problems of the notify target checks registered beside the engine, with its own', async () => {
    const { sut } = newTestExports();
    const body = { export_type: 'TOLLS', format: 'csv', notify: { email: 'ops@example.com' } };
    expect(sut.parser.parse(body, alice).notify).toEqual({ email: 'ops@example.com' });
    sut.notifyChecks.add((notify) => (notify.email ? ['notify.email is refused here'] : []));
    expect((await httpErrorOf(() => sut.parser.parse({ ...body, format: 'zip' }, alice))).message).toEqual([
      expect.stringMatching(/^format /),
      'notify.email is refused here',
    ]);
  });

  it('names bad notify fields by their path', async () => {
    expect(
      (await httpErrorOf(() => parse({ export_type: 'TOLLS', format: 'csv', notify: { webhook_url: 'ftp://x', email: 'nope', sms: '1' } })))
        .message,
    ).toEqual([
      'property notify.sms should not exist',
      'notify.webhook_url must be an http(s) URL',
      'notify.email must be an email address',
    ]);
  });
});
