import request from 'supertest';
import { waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { startService } from './support/processes';
import type { ServiceProcess } from './support/processes';
import { readSse } from './support/sse';
import { startS3Server } from './support/s3-server';
import type { TestS3Server } from './support/s3-server';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

interface RequestLine {
  reqId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  user?: string;
  msg?: string;
}

describe('Logs carry no credentials, and one small line per request (info level, MariaDB, Redis, S3)', () => {
  let stack: TestStack;
  let s3: TestS3Server;
  let server: ServiceProcess;
  const alice = tokenFor('alice');
  const admin = tokenFor('ops', ['admin']);
  const http = () => request(`http://127.0.0.1:${server.port}`);
  /** The credentials the flows below send or receive; none may reach the log. */
  const secrets: string[] = [alice, admin];
  let log = '';

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { LOG_LEVEL: 'info' } });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(50, 3));
    s3 = await startS3Server();
    server = await startService('all', { ...stack.env, ...s3.env });

    const id = (await http().post('/api/exports/request').set(bearer(alice)).send({ export_type: 'EZPASS', format: 'csv' })).body
      .export_id as number;
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    await http().get('/api/exports/my-exports').set(bearer(alice));

    const redirect = await http().get(`/api/exports/${id}/download`).set(bearer(alice));
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toContain('X-Amz-Signature=');

    const link = (await http().post(`/api/exports/${id}/link`).set(bearer(alice))).body as { url: string };
    expect(link.url).toContain('signature=');
    secrets.push(new URL(link.url, 'http://x').searchParams.get('signature') as string);
    const viaLink = await http().get(link.url);
    expect(viaLink.status).toBe(302);
    expect(viaLink.headers.location).toContain('X-Amz-Signature=');
    secrets.push(new URL(viaLink.headers.location).searchParams.get('X-Amz-Signature') as string);

    const events = (await http().post(`/api/exports/${id}/events-token`).set(bearer(alice))).body as { token: string; events_url: string };
    secrets.push(events.token);
    expect((await readSse(`http://127.0.0.1:${server.port}${events.events_url}`)).status).toBe(200);

    // Bull Board takes an admin token in the query once, for browsers.
    expect((await http().get(`/admin/queues?token=${admin}`)).status).toBe(303);

    await server.stop();
    log = server.output();
  });

  afterAll(async () => {
    await server?.stop();
    await s3?.stop();
    await stack?.teardown();
  });

  it('has no signature, no presigned S3 query, no bearer or events token, no dashboard token', () => {
    expect(log).toContain('request completed');
    expect(log).not.toMatch(/signature=/i);
    expect(log).not.toMatch(/X-Amz-/i);
    expect(log).not.toMatch(/Bearer /i);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });

  it('logs each request as one line under 400 bytes: method, path, status, time, request id and user', () => {
    const lines = log.split('\n').filter((line) => line.includes('"request completed"'));
    const parsed = lines.map((line) => JSON.parse(line) as RequestLine);
    expect(parsed.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThan(400);
    for (const line of parsed) {
      expect(line).toMatchObject({ reqId: expect.any(String), req: { method: expect.any(String), url: expect.stringMatching(/^\//) } });
      expect(line).toMatchObject({ res: { statusCode: expect.any(Number) }, responseTime: expect.any(Number) });
    }
    const status = parsed.find((line) => line.req?.url?.endsWith('/status'));
    expect(status).toMatchObject({ req: { method: 'GET' }, res: { statusCode: 200 }, user: 'alice' });
    expect(parsed.find((line) => line.req?.url?.includes('/file?'))?.req?.url).toMatch(/^\/api\/exports\/\d+\/file\?expires=\d+$/);
    // The events token is a credential too: the line keeps the path.
    expect(parsed.filter((line) => line.req?.method === 'GET' && line.req.url?.includes('/events')).map((line) => line.req?.url)).toEqual([
      expect.stringMatching(/^\/api\/exports\/\d+\/events$/),
    ]);
  });
});
