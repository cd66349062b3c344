import fc from 'fast-check';
import request from 'supertest';
import { CSV_DELIMITERS, CSV_LINE_ENDINGS } from '../src/exports/csv-options';
import { EXPORT_COMPRESSIONS, EXPORT_FORMATS } from '../src/exports/export-job.entity';
import { startService, waitFor } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const EXPORT_TYPES = ['EZPASS', 'PVB', 'CURB', 'LEDGER_POSTINGS', 'LEDGER_BALANCES'];
const LEAK = /\bat [\w.<>]+ \(|node_modules|\bSELECT\b|\bINSERT\b|\bUPDATE\b|QueryFailedError|\bER_[A-Z_]+|sqlMessage|\.ts:\d+/;
const FILTER_KEYS = [
  'from_posting_date',
  'to_posting_date',
  'from_amount',
  'to_amount',
  'plate_number',
  'status',
  'driver_id',
  'from_issue_date',
  'county',
  'category',
  'to_balance',
];

describe('Hostile input (MariaDB, BullMQ producer)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');
  const jobCount = async (): Promise<number> => Number((await stack.db.query('SELECT COUNT(*) AS n FROM export_jobs'))[0].n);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    app = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }),
    fc.constantFrom('2024-01-01', '2024-02-30', '9999-99-99', "' OR 1=1 --", '1e309', '-0.001', 'NaN', '__proto__'),
    fc.object({ maxDepth: 2 }),
  );
  const body = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.record(
      {
        export_type: fc.oneof(fc.constantFrom(...EXPORT_TYPES), fc.string(), value),
        format: fc.oneof(fc.constantFrom(...EXPORT_FORMATS), fc.string(), value),
        filters: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom(...FILTER_KEYS), fc.string()), value, { maxKeys: 4 }), value),
        columns: fc.oneof(fc.array(fc.oneof(fc.constantFrom('id', 'amount', 'vin', 'balance'), fc.string()), { maxLength: 4 }), value),
        compression: fc.oneof(fc.constantFrom(...EXPORT_COMPRESSIONS), value),
        csv: fc.oneof(
          fc.record(
            {
              delimiter: fc.oneof(fc.constantFrom(...CSV_DELIMITERS), value),
              bom: value,
              line_ending: fc.oneof(fc.constantFrom(...CSV_LINE_ENDINGS), value),
              header: value,
            },
            { requiredKeys: [] },
          ),
          value,
        ),
        extra: value,
      },
      { requiredKeys: [] },
    ),
  );

  it('never answers 5xx, never leaks a stack trace or SQL, and a 4xx never creates an export', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const before = await jobCount();
        const text = JSON.stringify(payload) ?? '';
        const response = await app
          .http()
          .post('/api/exports/request')
          .set(bearer(alice))
          .set('Content-Type', 'application/json')
          .send(text);
        expect(response.status).toBeLessThan(500);
        expect(JSON.stringify(response.body)).not.toMatch(LEAK);
        if (response.status >= 400) expect(await jobCount()).toBe(before);
        else expect(response.status).toBe(202);
      }),
      { numRuns: 300 },
    );
  });

  it('never answers 5xx to fuzzed paths and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (id, page, perPage) => {
        const responses = await Promise.all([
          app
            .http()
            .get(`/api/exports/my-exports?page=${encodeURIComponent(page)}&per_page=${encodeURIComponent(perPage)}`)
            .set(bearer(alice)),
          app
            .http()
            .get(`/api/exports/${encodeURIComponent(id)}/status`)
            .set(bearer(alice)),
          app
            .http()
            .get(`/api/exports/${encodeURIComponent(id)}/download`)
            .set(bearer(alice)),
          app
            .http()
            .post(`/api/exports/${encodeURIComponent(id)}/cancel`)
            .set(bearer(alice)),
        ]);
        for (const response of responses) {
          expect(response.status).toBeLessThan(500);
          expect(JSON.stringify(response.body)).not.toMatch(LEAK);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('Credentials in logs', () => {
  it('never writes a bearer token or a query token to the logs', async () => {
    const stack = await createTestStack({ database: 'sqlite', redis: true, env: { LOG_LEVEL: 'debug' } });
    const api = await startService('api', stack.env);
    try {
      const token = tokenFor('alice', ['admin']);
      const http = request(`http://127.0.0.1:${api.port}`);
      await http.get('/api/exports/my-exports').set(bearer(token));
      await http.get('/api/exports/1/status').set(bearer(token));
      await http.get(`/admin/queues?token=${token}`);
      await http.get('/api/exports/my-exports').set(bearer(`${token}x`));
      // The last request (the only 401) is logged once its response has finished: then all four are.
      await waitFor(
        () => /"statusCode":401|\s401\s/.test(api.output()),
        10_000,
        () => `the requests' log lines:\n${api.output().slice(-2000)}`,
      );
      expect(api.output()).toContain('/api/exports/my-exports');
      expect(api.output()).not.toContain(token.split('.')[2]);
    } finally {
      await api.stop();
      await stack.teardown();
    }
  });
});
