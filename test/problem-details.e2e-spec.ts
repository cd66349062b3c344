import { bearer, tokenFor } from './support/tokens';
import { expectProblem } from './support/problems';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';

const CSV = { export_type: 'EZPASS', format: 'csv' };

/** API only (no worker): exports stay PENDING, so not-ready, not-retryable and the active cap can be met at will. */
describe('Error answers: problem details with a stable code', () => {
  let stack: TestStack;
  let api: TestApp;
  const alice = tokenFor('alice');
  const http = () => api.http();

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { MAX_ACTIVE_EXPORTS: '1' } });
    api = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    await api?.close();
    await stack?.teardown();
  });

  it('401 UNAUTHENTICATED without a token, 404 NOT_FOUND for an unknown route, 404 EXPORT_NOT_FOUND for an unknown export', async () => {
    expectProblem(await http().get('/api/exports/my-exports'), 401, 'UNAUTHENTICATED');
    expectProblem(await http().get('/api/no-such-route').set(bearer(alice)), 404, 'NOT_FOUND');
    const missing = expectProblem(await http().get('/api/exports/999999/status').set(bearer(alice)), 404, 'EXPORT_NOT_FOUND');
    expect(missing).toMatchObject({
      detail: 'Export 999999 not found',
      message: 'Export 999999 not found',
      statusCode: 404,
      instance: '/api/exports/999999/status',
    });
  });

  it('400 VALIDATION_FAILED naming every field in errors[], and keeping message[]', async () => {
    const body = expectProblem(
      await http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .send({ export_type: 'EZPASS', format: 'docx', filters: { from_posting_date: 'soon' } }),
      400,
      'VALIDATION_FAILED',
    );
    const fields = (body.errors as { field?: string }[]).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['format', 'filters.from_posting_date']));
    expect(body.message).toEqual((body.errors as { message: string }[]).map((error) => error.message));
    expectProblem(await http().get('/api/exports/abc/status').set(bearer(alice)), 400, 'VALIDATION_FAILED');
  });

  it('400 INVALID_JSON and REQUEST_TOO_LARGE from the body parser', async () => {
    const badJson = await http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .set('Content-Type', 'application/json')
      .send('{"export_type":');
    expectProblem(badJson, 400, 'INVALID_JSON');
    const huge = await http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .send({ ...CSV, padding: 'x'.repeat(300_000) });
    expectProblem(huge, 400, 'REQUEST_TOO_LARGE');
  });

  it('403 TYPE_FORBIDDEN for a type the token may not export', async () => {
    const refused = await http().post('/api/exports/request').set(bearer(alice)).send({ export_type: 'LEDGER_POSTINGS', format: 'csv' });
    expect(expectProblem(refused, 403, 'TYPE_FORBIDDEN').detail).toMatch(/finance/);
  });

  it('409, 410, 422 and 429 of the engine, the 429 with Retry-After', async () => {
    const created = await http().post('/api/exports/request').set(bearer(alice)).set('Idempotency-Key', 'key-1').send(CSV);
    expect(created.status).toBe(202);
    const id = (created.body as { export_id: number }).export_id;

    expectProblem(await http().get(`/api/exports/${id}/download`).set(bearer(alice)), 409, 'EXPORT_NOT_READY');
    expectProblem(await http().post(`/api/exports/${id}/retry`).set(bearer(alice)), 409, 'EXPORT_NOT_RETRYABLE');
    const reused = await http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .set('Idempotency-Key', 'key-1')
      .send({ ...CSV, format: 'json' });
    expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');

    const capped = await http().post('/api/exports/request').set(bearer(alice)).send(CSV);
    expectProblem(capped, 429, 'TOO_MANY_ACTIVE_EXPORTS');
    expect(capped.headers['retry-after']).toBe('30');

    await stack.db.query("UPDATE export_jobs SET status = 'EXPIRED' WHERE id = ?", [id]);
    expectProblem(await http().get(`/api/exports/${id}/download`).set(bearer(alice)), 410, 'EXPORT_EXPIRED');
  });

  it('documents the error body as a ProblemDetails schema', async () => {
    const doc = (await http().get('/api/docs-json')).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> }>>;
    };
    expect(Object.keys(doc.components.schemas.ProblemDetails.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'errors', 'message']),
    );
    const notFound = doc.paths['/api/exports/{id}/status'].get.responses['404'];
    expect(notFound.content?.['application/problem+json'].schema.$ref).toBe('#/components/schemas/ProblemDetails');
  });
});

describe('Error answers of the rate limiter', () => {
  it('429 RATE_LIMITED with Retry-After and the documented sentence', async () => {
    const stack = await createTestStack({ database: 'sqlite', redis: false, env: { RATE_LIMIT_PER_MINUTE: '1' } });
    const app = await startTestApp(stack);
    try {
      const token = bearer(tokenFor('rita'));
      expect((await app.http().get('/api/exports/my-exports').set(token)).status).toBe(200);
      const limited = await app.http().get('/api/exports/my-exports').set(token);
      expect(expectProblem(limited, 429, 'RATE_LIMITED').message).toMatch(/^Too many requests: at most 1 a minute are allowed/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await app.close();
      await stack.teardown();
    }
  });
});
